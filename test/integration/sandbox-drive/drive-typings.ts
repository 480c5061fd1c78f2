import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { DiscoverySchema } from './discovery-schema';

/**
 * Drive v3's resource schemas, read from the `Schema$*` interfaces that `@googleapis/drive` (the
 * client the product uses) generates from Drive's discovery document, and turned back into the
 * discovery notation the validator checks. Read with the TypeScript parser: no type checking, no
 * copy of the schemas in this repository, nothing outside its own `node_modules`.
 *
 * The generated types keep property names, JSON types, arrays, maps and `$ref`s; they lose the wire
 * formats. What the generated doc comments still say is kept: "RFC 3339" marks a date-time, and
 * "Value: the fixed string `drive#…`" gives a `kind` its default. Nothing else is guessed: an int64
 * is just a string here, and an integer just a number.
 */
export const DRIVE_TYPINGS_PATH = require.resolve('@googleapis/drive/build/v3.d.ts');

const PREFIX = 'Schema$';

export function loadDriveSchemas(): Record<string, DiscoverySchema> {
  return parseDriveTypings(readFileSync(DRIVE_TYPINGS_PATH, 'utf8'), DRIVE_TYPINGS_PATH);
}

/** Every `Schema$Name` interface of namespace `drive_v3`, as `Name`; throws on a type it cannot translate. */
export function parseDriveTypings(text: string, fileName = 'v3.d.ts'): Record<string, DiscoverySchema> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const schemas: Record<string, DiscoverySchema> = {};
  for (const declaration of namespaceBody(source, 'drive_v3').statements.filter(ts.isInterfaceDeclaration)) {
    const name = declaration.name.text;
    if (name.startsWith(PREFIX)) schemas[name.slice(PREFIX.length)] = objectSchema(declaration.members, name);
  }
  if (Object.keys(schemas).length === 0) throw new Error(`${fileName}: no ${PREFIX}* interfaces in namespace drive_v3`);
  return schemas;
}

function namespaceBody(source: ts.SourceFile, name: string): ts.ModuleBlock {
  for (const statement of source.statements) {
    if (ts.isModuleDeclaration(statement) && statement.name.text === name && statement.body && ts.isModuleBlock(statement.body)) return statement.body;
  }
  throw new Error(`${source.fileName}: no namespace ${name}`);
}

function objectSchema(members: ts.NodeArray<ts.TypeElement>, path: string): DiscoverySchema {
  const schema: DiscoverySchema = { type: 'object' };
  for (const member of members) {
    if (ts.isIndexSignatureDeclaration(member)) {
      schema.additionalProperties = typeSchema(member.type, `${path}[key]`);
    } else if (ts.isPropertySignature(member) && member.type && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) {
      const name = member.name.text;
      (schema.properties ??= {})[name] = withDocumentedFormat(typeSchema(member.type, `${path}.${name}`), docOf(member));
    } else {
      throw new Error(`${path}: unsupported member ${ts.SyntaxKind[member.kind]}`);
    }
  }
  return schema;
}

function typeSchema(node: ts.TypeNode, path: string): DiscoverySchema {
  if (ts.isUnionTypeNode(node)) {
    const present = node.types.filter((type) => !isNullish(type));
    if (present.length !== 1) throw new Error(`${path}: unsupported union`);
    return typeSchema(present[0]!, path);
  }
  if (ts.isParenthesizedTypeNode(node)) return typeSchema(node.type, path);
  if (ts.isArrayTypeNode(node)) return { type: 'array', items: typeSchema(node.elementType, `${path}[]`) };
  if (ts.isTypeLiteralNode(node)) return objectSchema(node.members, path);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const name = node.typeName.text;
    const [element] = node.typeArguments ?? [];
    if (name === 'Array' && element) return { type: 'array', items: typeSchema(element, `${path}[]`) };
    if (name.startsWith(PREFIX)) return { $ref: name.slice(PREFIX.length) };
  }
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      return { type: 'number' };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return { type: 'any' };
    default:
      throw new Error(`${path}: unsupported type ${ts.SyntaxKind[node.kind]}`);
  }
}

function isNullish(node: ts.TypeNode): boolean {
  return node.kind === ts.SyntaxKind.UndefinedKeyword || (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword);
}

function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .map((doc) => (ts.isJSDoc(doc) ? (ts.getTextOfJSDocComment(doc.comment) ?? '') : ''))
    .join('\n');
}

const FIXED_STRING = /Value: the fixed string `"?([^`"]+)"?`/;

function withDocumentedFormat(schema: DiscoverySchema, doc: string): DiscoverySchema {
  if (schema.type !== 'string') return schema;
  const fixed = FIXED_STRING.exec(doc)?.[1];
  if (fixed !== undefined) return { ...schema, default: fixed };
  if (/\bRFC 3339\b/.test(doc)) return { ...schema, format: 'date-time' };
  return schema;
}
