import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/chaos/seeded-random.js';
import { type ContentPart, type Message, MessageSchema, type ModelInfo } from '../../../src/llm/core/canonical-types.js';
import { normalizeHandoffMessages } from '../../../src/llm/handoff/normalize-handoff-messages.js';

const text = (value: string) => ({ type: 'text' as const, text: value });
const call = (id: string, name = 'get_weather', args: Record<string, unknown> = { city: 'Paris' }) => ({ type: 'tool-call' as const, id, name, arguments: args });
const result = (toolCallId: string, content = '18°C', toolName?: string) => ({ type: 'tool-result' as const, toolCallId, content, ...(toolName !== undefined && { toolName }) });
const user = (...content: ContentPart[]): Message => ({ role: 'user', content });
const assistant = (...content: ContentPart[]): Message => ({ role: 'assistant', content });
const tool = (...content: ContentPart[]): Message => ({ role: 'tool', content });
const system = (value: string): Message => ({ role: 'system', content: [text(value)] });

function model(provider: string, vision: boolean): ModelInfo {
  return {
    provider,
    model: `${provider}-model`,
    displayName: null,
    contextWindow: 1000,
    maxOutputTokens: 100,
    capabilities: { tools: true, vision, jsonSchema: false, reasoning: false },
    prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
    sources: { limits: null, capabilities: null, prices: null },
    origin: 'static',
  };
}

const codes = (warnings: readonly { code: string }[]) => warnings.map((warning) => warning.code);
const toolIds = (messages: readonly Message[]) =>
  messages.flatMap((message) => message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : part.type === 'tool-result' ? [part.toolCallId] : [])));

describe('normalizeHandoffMessages: tool calls and results', () => {
  it('rewrites ids to the target format on both sides, consistently and deterministically', () => {
    const conversation = [user(text('weather?')), assistant(call('call_abc123'), call('call_def456', 'get_time', {})), tool(result('call_abc123'), result('call_def456', '12:00'))];
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'anthropic');
    expect(warnings).toEqual([]);
    const ids = toolIds(messages);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[1]);
    expect(normalizeHandoffMessages(conversation, 'openai', 'anthropic').messages).toEqual(messages);
    // And back to OpenAI: call_ ids.
    const back = normalizeHandoffMessages(messages, 'anthropic', 'openai').messages;
    for (const id of toolIds(back)) expect(id).toMatch(/^call_[A-Za-z0-9]{24}$/);
  });

  it('keeps ids already in the target format, and ids for a target without a format', () => {
    const conversation = [user(text('hi')), assistant(call('toolu_01A09q90qw90lq917835lq9')), tool(result('toolu_01A09q90qw90lq917835lq9'))];
    expect(toolIds(normalizeHandoffMessages(conversation, 'anthropic', 'anthropic').messages)).toEqual(['toolu_01A09q90qw90lq917835lq9', 'toolu_01A09q90qw90lq917835lq9']);
    expect(toolIds(normalizeHandoffMessages(conversation, 'anthropic', 'openrouter').messages)).toEqual(['toolu_01A09q90qw90lq917835lq9', 'toolu_01A09q90qw90lq917835lq9']);
  });

  it('makes ids repeated across turns unique (Anthropic refuses duplicate tool_use ids)', () => {
    const conversation = [
      user(text('a')),
      assistant(call('call_0')),
      tool(result('call_0', 'first')),
      user(text('b')),
      assistant(call('call_0')),
      tool(result('call_0', 'second')),
    ];
    const anthropic = normalizeHandoffMessages(conversation, 'openrouter', 'anthropic').messages;
    const [first, firstResult, second, secondResult] = toolIds(anthropic);
    expect(first).toBe(firstResult);
    expect(second).toBe(secondResult);
    expect(first).not.toBe(second);
    const openrouter = normalizeHandoffMessages(conversation, 'openai', 'openrouter').messages;
    expect(toolIds(openrouter)).toEqual(['call_0', 'call_0', 'call_0-2', 'call_0-2']);
  });

  it('turns a result without its call into user text, with a warning', () => {
    const conversation = [user(text('hi')), assistant(text('hello')), tool(result('call_ghost', 'orphan content', 'lookup'))];
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'anthropic');
    expect(codes(warnings)).toEqual(['handoff_tool_result_orphaned']);
    // Anthropic: the orphan's user text merges with no neighbour here (assistant before it).
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    const orphan = messages[2]?.content[0];
    expect(orphan?.type).toBe('text');
    expect(orphan?.type === 'text' && orphan.text).toContain('orphan content');
    expect(orphan?.type === 'text' && orphan.text).toContain('lookup');
  });

  it('gives a call without a result a synthetic error result, with a warning', () => {
    const conversation = [user(text('hi')), assistant(call('call_1'), call('call_2', 'get_time', {})), tool(result('call_1')), user(text('and then?'))];
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'openai');
    expect(codes(warnings)).toEqual(['handoff_tool_result_missing']);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
    expect(messages[3]?.content).toEqual([expect.objectContaining({ type: 'tool-result', toolCallId: 'call_2', toolName: 'get_time', isError: true })]);
  });

  it('answers a result that arrives after the turn ended as an orphan, and the call as missing', () => {
    const conversation = [user(text('hi')), assistant(call('call_1')), user(text('wait')), tool(result('call_1', 'late'))];
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'openai');
    expect(codes(warnings)).toEqual(['handoff_tool_result_missing', 'handoff_tool_result_orphaned']);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user', 'user']);
  });

  it('treats a second result for an answered call as an orphan', () => {
    const conversation = [user(text('hi')), assistant(call('call_1')), tool(result('call_1', 'one')), tool(result('call_1', 'two'))];
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'openai');
    expect(codes(warnings)).toEqual(['handoff_tool_result_orphaned']);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });

  it('fills a result’s tool name from its call', () => {
    const { messages } = normalizeHandoffMessages([user(text('hi')), assistant(call('call_1', 'lookup')), tool(result('call_1'))], 'openai', 'openai');
    expect(messages[2]?.content[0]).toEqual(expect.objectContaining({ toolName: 'lookup' }));
  });
});

describe('normalizeHandoffMessages: roles, system, reasoning, images', () => {
  it('merges consecutive same-role messages for Anthropic only', () => {
    const conversation = [user(text('a')), user(text('b')), assistant(text('c')), assistant(call('call_1')), tool(result('call_1')), tool(result('call_x', 'orphan'))];
    const anthropic = normalizeHandoffMessages(conversation, 'openai', 'anthropic').messages;
    expect(anthropic.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(anthropic[0]?.content).toEqual([text('a'), text('b')]);
    expect(anthropic[1]?.content.map((part) => part.type)).toEqual(['text', 'tool-call']);
    const openai = normalizeHandoffMessages(conversation, 'anthropic', 'openai').messages;
    expect(openai.map((message) => message.role)).toEqual(['user', 'user', 'assistant', 'assistant', 'tool', 'user']);
  });

  it('gathers the system prompt into one first message and warns when one is moved', () => {
    const leading = normalizeHandoffMessages([system('be brief'), system('be kind'), user(text('hi'))], 'openai', 'anthropic');
    expect(leading.warnings).toEqual([]);
    expect(leading.messages).toEqual([{ role: 'system', content: [text('be brief'), text('be kind')] }, user(text('hi'))]);
    const moved = normalizeHandoffMessages([user(text('hi')), system('now be formal'), assistant(text('Good day.'))], 'openai', 'openai');
    expect(codes(moved.warnings)).toEqual(['handoff_system_moved']);
    expect(moved.messages[0]).toEqual(system('now be formal'));
    expect(moved.messages.filter((message) => message.role === 'system')).toHaveLength(1);
  });

  it('carries reasoning to Anthropic only when signed and from Anthropic', () => {
    const signed = { type: 'reasoning' as const, text: 'thinking', signature: 'sig-1' };
    const unsigned = { type: 'reasoning' as const, text: 'musing' };
    const conversation = [user(text('q')), assistant(signed, unsigned, text('answer'))];
    const same = normalizeHandoffMessages(conversation, 'anthropic', 'anthropic');
    expect(same.messages[1]?.content).toEqual([signed, text('answer')]);
    expect(codes(same.warnings)).toEqual(['handoff_reasoning_dropped']);
    const other = normalizeHandoffMessages(conversation, 'openrouter', 'anthropic');
    expect(other.messages[1]?.content).toEqual([text('answer')]);
    expect(other.warnings[0]?.message).toContain('2 reasoning parts');
  });

  it('drops reasoning for OpenAI, keeps a provider’s own for OpenRouter, and removes an assistant message left empty', () => {
    const thought = { type: 'reasoning' as const, text: 'hmm', signature: 'sig' };
    const conversation = [user(text('q')), assistant(thought), assistant(text('a'))];
    const openai = normalizeHandoffMessages(conversation, 'openai', 'openai');
    expect(openai.messages).toEqual([user(text('q')), assistant(text('a'))]);
    expect(codes(openai.warnings)).toEqual(['handoff_reasoning_dropped']);
    expect(normalizeHandoffMessages(conversation, 'openrouter', 'openrouter').messages).toEqual(conversation);
    expect(normalizeHandoffMessages(conversation, 'anthropic', 'openrouter').messages).toEqual([user(text('q')), assistant(text('a'))]);
  });

  it('replaces images with a placeholder only for a target model without vision', () => {
    const image = { type: 'image' as const, url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg', mediaType: 'image/png' };
    const linked = { type: 'image' as const, url: 'https://example.test/cat.jpg' };
    const conversation = [user(text('what is this?'), image, linked)];
    expect(normalizeHandoffMessages(conversation, 'openai', 'anthropic', { targetModel: model('anthropic', true) }).messages).toEqual(conversation);
    expect(normalizeHandoffMessages(conversation, 'openai', 'anthropic').messages).toEqual(conversation);
    const { messages, warnings } = normalizeHandoffMessages(conversation, 'openai', 'openrouter', { targetModel: model('openrouter', false) });
    expect(codes(warnings)).toEqual(['handoff_image_replaced']);
    expect(messages[0]?.content.map((part) => part.type)).toEqual(['text', 'text', 'text']);
    const [, inline, url] = messages[0]?.content ?? [];
    expect(inline?.type === 'text' && inline.text).toContain('image/png');
    expect(inline?.type === 'text' && inline.text).not.toContain('base64');
    expect(url?.type === 'text' && url.text).toContain('https://example.test/cat.jpg');
  });

  it('does not change its input', () => {
    const conversation = [user(text('a')), user(text('b')), assistant(call('x1')), tool(result('x1'))];
    const copy = structuredClone(conversation);
    normalizeHandoffMessages(conversation, 'openai', 'anthropic');
    expect(conversation).toEqual(copy);
  });
});

/** A random, often broken conversation: systems anywhere, calls with and without results, orphans, repeated ids, reasoning, images, runs of one role. */
function randomConversation(random: SeededRandom): Message[] {
  const messages: Message[] = [];
  const ids = ['call_0', 'call_1', 'toolu_01Abc', 'x-9', 'call_with_a_rather_long_identifier_over_forty_chars', 'gen-42'];
  const length = random.int(1, 14);
  let lastCalls: string[] = [];
  for (let index = 0; index < length; index += 1) {
    const kind = random.pick(['system', 'user', 'user', 'assistant', 'assistant', 'tool', 'tool'] as const);
    switch (kind) {
      case 'system':
        messages.push(system(`rule ${index}`));
        break;
      case 'user': {
        const parts: ContentPart[] = [text(`question ${index}`)];
        if (random.next() < 0.3) parts.push({ type: 'image', url: random.next() < 0.5 ? 'https://example.test/a.png' : 'data:image/jpeg;base64,AAAA', ...(random.next() < 0.5 && { mediaType: 'image/jpeg' }) });
        messages.push({ role: 'user', content: parts });
        break;
      }
      case 'assistant': {
        const parts: ContentPart[] = [];
        if (random.next() < 0.4) parts.push({ type: 'reasoning', text: `thought ${index}`, ...(random.next() < 0.5 && { signature: `sig${index}` }) });
        if (random.next() < 0.6) parts.push(text(`answer ${index}`));
        lastCalls = [];
        const calls = random.int(0, 2);
        for (let n = 0; n < calls; n += 1) {
          const id = random.pick(ids);
          lastCalls.push(id);
          parts.push(call(id, random.pick(['get_weather', 'lookup']), { n }));
        }
        if (parts.length === 0) parts.push({ type: 'reasoning', text: 'only a thought' });
        messages.push({ role: 'assistant', content: parts });
        break;
      }
      case 'tool': {
        const parts: ContentPart[] = [];
        const count = random.int(1, 2);
        for (let n = 0; n < count; n += 1) {
          const id = lastCalls.length > 0 && random.next() < 0.7 ? random.pick(lastCalls) : random.pick(ids);
          parts.push({ ...result(id, `result ${index}.${n}`), ...(random.next() < 0.3 && { isError: true }) });
        }
        messages.push({ role: 'tool', content: parts });
        break;
      }
    }
  }
  return messages;
}

const PROVIDERS = ['openai', 'anthropic', 'openrouter', 'mock'] as const;

describe('normalizeHandoffMessages: properties over generated conversations (seeded)', () => {
  const random = new SeededRandom(20261203);
  const cases = Array.from({ length: 400 }, () => ({
    conversation: randomConversation(random),
    from: random.pick(PROVIDERS),
    to: random.pick(PROVIDERS),
    vision: random.next() < 0.5,
  }));

  it('is idempotent: normalizing twice changes nothing and warns of nothing the second time', () => {
    for (const { conversation, from, to, vision } of cases) {
      const options = { targetModel: model(to, vision) };
      const once = normalizeHandoffMessages(conversation, from, to, options);
      const twice = normalizeHandoffMessages(once.messages, from, to, options);
      expect(twice.messages).toEqual(once.messages);
      expect(twice.warnings).toEqual([]);
      // Continuing on the target itself (from = to) keeps it as well.
      expect(normalizeHandoffMessages(once.messages, to, to, options).messages).toEqual(once.messages);
    }
  });

  it('is deterministic, and its output is valid and well formed for the target', () => {
    for (const { conversation, from, to, vision } of cases) {
      const options = { targetModel: model(to, vision) };
      const { messages } = normalizeHandoffMessages(conversation, from, to, options);
      expect(normalizeHandoffMessages(structuredClone(conversation), from, to, options).messages).toEqual(messages);
      for (const message of messages) expect(MessageSchema.safeParse(message).success).toBe(true);
      // One system message at most, first.
      expect(messages.filter((message, index) => message.role === 'system' && index > 0)).toEqual([]);
      // Every call answered exactly once, right after its assistant message; every result paired.
      for (let index = 0; index < messages.length; index += 1) {
        const message = messages[index];
        if (message?.role === 'tool') expect(['assistant', 'tool']).toContain(messages[index - 1]?.role);
        if (message?.role !== 'assistant') continue;
        const callIds = message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : []));
        const answered: string[] = [];
        for (let next = index + 1; messages[next]?.role === 'tool'; next += 1) {
          answered.push(...(messages[next]?.content ?? []).flatMap((part) => (part.type === 'tool-result' ? [part.toolCallId] : [])));
        }
        expect([...answered].sort()).toEqual([...callIds].sort());
      }
      const callIds = messages.flatMap((message) => message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : [])));
      expect(new Set(callIds).size).toBe(callIds.length);
      if (to === 'anthropic') {
        for (const id of callIds) expect(id).toMatch(/^toolu_[A-Za-z0-9_-]+$/);
        for (let index = 1; index < messages.length; index += 1) expect(messages[index]?.role).not.toBe(messages[index - 1]?.role);
      }
      if (to === 'openai') for (const id of callIds) expect(id).toMatch(/^call_[A-Za-z0-9_-]{1,35}$/);
      if (!vision) expect(messages.some((message) => message.content.some((part) => part.type === 'image'))).toBe(false);
      if (to === 'openai') expect(messages.some((message) => message.content.some((part) => part.type === 'reasoning'))).toBe(false);
    }
  });
});
