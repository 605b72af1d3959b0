/**
 * Bounded, seeded property runs for the fuzz tests: `FUZZ_SEED` replays a run (default: a
 * fixed seed, so CI is repeatable), `FUZZ_RUNS` changes the case count. A failure names the
 * seed and the command that replays it.
 */
import fc from 'fast-check';

/** Runs `property` with the seed and count of the environment, `runs` cases by default. */
export async function fuzz<T>(name: string, property: fc.IAsyncProperty<T>, runs: number): Promise<void> {
  const seed = process.env.FUZZ_SEED === undefined ? 22 : Number(process.env.FUZZ_SEED);
  const numRuns = process.env.FUZZ_RUNS === undefined ? runs : Number(process.env.FUZZ_RUNS);
  try {
    // No shrinking: every case is real requests against a real stack; the seed replays it.
    await fc.assert(property, { seed, numRuns, endOnFailure: true });
  } catch (error) {
    const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=${numRuns} npx jest demo-services/test/<file> -t '${name}'`;
    throw new Error(`${name}: failed with seed ${seed} (replay: ${replay})\n${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A fetch that never throws: a dropped connection is an answer the property rejects. */
export async function send(
  url: string,
  init: RequestInit,
): Promise<{ status: number; contentType: string | null; text: string; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(`connection dropped or timed out: ${init.method ?? 'GET'} ${url}: ${String(error)}`, {
      cause: error,
    });
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
    headers: response.headers,
  };
}
