/** One request to a function that may not be listening yet: 'refused' until its port is open. */
export async function requestOnce(url: string, init: RequestInit): Promise<number | 'refused'> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const code = ((error as Error).cause as { code?: unknown } | undefined)?.code;
    if (code === 'ECONNREFUSED') return 'refused';
    throw error;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
