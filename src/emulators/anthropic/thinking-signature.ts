import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs the thinking the emulator writes and checks the thinking a client sends back, as the real API
 * does (a thinking block whose signature does not match its text is a 400): a client that edits or
 * invents thinking, or drops its signature, is caught. HMAC-SHA256 over the text, keyed by the seed.
 */
export class ThinkingSigner {
  private readonly key: Buffer;

  constructor(seed: number) {
    this.key = Buffer.from(`anthropic-emulator-thinking-${seed}`);
  }

  sign(thinking: string): string {
    return createHmac('sha256', this.key).update(thinking).digest('base64');
  }

  verify(thinking: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(thinking));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
