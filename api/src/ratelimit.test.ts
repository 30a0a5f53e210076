import { describe, expect, it } from 'vitest';
import { RateLimiter } from './ratelimit.js';

describe('RateLimiter', () => {
  it('allows a burst of capacity, then refuses until a token refills', () => {
    let t = 0;
    const rl = new RateLimiter({ capacity: 5, windowMs: 600_000, now: () => t });
    for (let i = 0; i < 5; i++) expect(rl.take('a').ok).toBe(true);
    const refused = rl.take('a');
    expect(refused.ok).toBe(false);
    expect(refused.retryAfter).toBe(120);
    expect(rl.take('b').ok).toBe(true);
    t += 119_000;
    expect(rl.take('a').ok).toBe(false);
    t += 2_000;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
  });
  it('peeks without spending and forgets on reset', () => {
    const rl = new RateLimiter({ capacity: 1, windowMs: 1000, now: () => 0 });
    expect(rl.peek('k').ok).toBe(true);
    expect(rl.take('k').ok).toBe(true);
    expect(rl.peek('k').ok).toBe(false);
    rl.reset('k');
    expect(rl.peek('k').ok).toBe(true);
  });
  it('keeps at most maxKeys keys', () => {
    const rl = new RateLimiter({ capacity: 1, windowMs: 1000, maxKeys: 2, now: () => 0 });
    rl.take('a');
    rl.take('b');
    rl.take('c');
    expect(rl.peek('a').ok).toBe(true);
    expect(rl.peek('c').ok).toBe(false);
  });
});
