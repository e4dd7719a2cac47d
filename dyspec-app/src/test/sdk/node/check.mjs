// The official openai Node SDK against a running dyspec server: node check.mjs http://localhost:PORT/v1
// Prints one line per check; exits non-zero at the first failure.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.argv[2], apiKey: process.argv[3] ?? 'unused', maxRetries: 0, timeout: 60_000 });
const fail = (msg) => { console.error('FAIL ' + msg); process.exit(1); };

const models = await client.models.list();
const model = models.data[0].id;
const retrieved = await client.models.retrieve(model);
if (retrieved.id !== model) fail('models.retrieve returned ' + retrieved.id);
console.log('ok models.retrieve ' + model);

const chat = await client.chat.completions.create({
  model, messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'And God said' }],
  max_completion_tokens: 3, temperature: 0,
});
const used = chat.usage.completion_tokens;
if (!(used >= 1 && used <= 3)) fail('max_completion_tokens 3 gave ' + used + ' tokens');
console.log('ok max_completion_tokens ' + used + ' ' + JSON.stringify(chat.choices[0].message.content));

const nextTurn = await client.chat.completions.create({
  model, messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'And God said' },
    { role: 'assistant', content: chat.choices[0].message.content }, { role: 'user', content: 'And then?' }],
  max_completion_tokens: 3, temperature: 0,
});
const cached = nextTurn.usage.prompt_tokens_details?.cached_tokens;
if (!(cached >= chat.usage.prompt_tokens / 2 && cached < nextTurn.usage.prompt_tokens)) {
  fail('next turn: cached_tokens ' + cached + ' of ' + nextTurn.usage.prompt_tokens + ' (first turn ' + chat.usage.prompt_tokens + ')');
}
console.log('ok usage.prompt_tokens_details.cached_tokens ' + cached + ' of ' + nextTurn.usage.prompt_tokens);

const stream = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'And God said' }], max_completion_tokens: 12,
  logprobs: true, top_logprobs: 2, stream: true, stream_options: { include_usage: true },
});
let text = '', spelled = '', entries = 0, usage = null;
for await (const chunk of stream) {
  if (chunk.usage) usage = chunk.usage;
  const choice = chunk.choices[0];
  if (!choice) continue;
  text += choice.delta?.content ?? '';
  for (const e of choice.logprobs?.content ?? []) {
    if (typeof e.logprob !== 'number' || e.logprob > 0 || e.top_logprobs.length !== 2) fail('bad entry ' + JSON.stringify(e));
    spelled += e.token;
    entries++;
  }
}
if (entries === 0 || entries !== usage?.completion_tokens) fail('streamed logprobs ' + entries + ' for usage ' + JSON.stringify(usage));
if (!spelled.startsWith(text)) fail('logprob tokens spell ' + JSON.stringify(spelled) + ', content is ' + JSON.stringify(text));
console.log('ok streamed logprobs ' + entries);

try {
  await client.chat.completions.create({
    model, messages: [{ role: 'user', content: 'weather?' }], max_completion_tokens: 3,
    tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
  });
  fail('tools were accepted');
} catch (e) {
  if (!(e instanceof OpenAI.APIError) || e.status !== 400 || e.param !== 'tools') fail('tools gave ' + e);
  console.log('ok tools refused: ' + e.message);
}
