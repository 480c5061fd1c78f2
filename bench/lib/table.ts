export type Cell = string | number;

/** A GitHub-flavoured markdown table; cells are printed as given. */
export function markdownTable(header: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
