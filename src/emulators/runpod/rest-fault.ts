import type { EmulatorFault } from '../shared/emulator-chaos.js';
import { neverAnswer } from '../shared/emulator-chaos.js';
import { problemResponse, REST_FAULTS } from './problem-response.js';

/** Acts out a chaos fault on a REST v2 request; `perform` runs the real operation (for phantoms). */
export async function restFault(fault: EmulatorFault, headers: Record<string, string>, perform: () => Promise<Response>): Promise<Response> {
  switch (fault.kind) {
    case 'timeout':
      return neverAnswer();
    case 'malformed': {
      await perform();
      return new Response('{"pods": [{"id": "', { status: 200, headers: { 'content-type': 'application/json', ...headers } });
    }
    case 'phantom':
    case 'error': {
      if (fault.kind === 'phantom') await perform();
      if (fault.code === null) return problemResponse(500, `upstream failure (${fault.message})`, headers);
      const rendered = REST_FAULTS[fault.code];
      const retry: Record<string, string> =
        fault.code === 'RATE_LIMIT_ERROR' ? { 'Retry-After': String(Math.max(1, Math.ceil((fault.retryAfterMs ?? 1000) / 1000))) } : {};
      return problemResponse(rendered.status, `${rendered.detail} (${fault.message})`, { ...headers, ...retry });
    }
  }
}
