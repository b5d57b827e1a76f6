// The local API (ponder-cli serve) driven by a client no one here wrote: the official `openai`
// npm package, against the shipped demo model and a random-weight tiny model (which talks until
// its token limit, so that a generation can be interrupted). Everything stays on 127.0.0.1, and
// every loop is bounded in count and time.
//
// Environment: PONDER_CLI (the binary), PONDER_DEMO_MODEL (resources/demo-model),
// PONDER_NPM_DIR (where `npm ci` installed package.json's packages), PONDER_TEST_TMP (scratch).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(path.join(process.env.PONDER_NPM_DIR, 'package.json'));
const { OpenAI } = require('openai');

const cli = process.env.PONDER_CLI;
const demoModel = process.env.PONDER_DEMO_MODEL;
const scratch = fs.mkdtempSync(path.join(process.env.PONDER_TEST_TMP, 'api-'));
const dataHome = path.join(scratch, 'data');
const keyFile = path.join(dataHome, 'ponder', 'api-key');
const measurements = [];

// Starts `ponder-cli serve` on a free loopback port; resolves once it says where it listens.
function startServer(args) {
  const child = spawn(cli, ['serve', '--port', '0', ...args], {
    env: { ...process.env, XDG_DATA_HOME: dataHome },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const server = { child, lines: [], waiters: [] };
  let partial = '';
  child.stderr.on('data', (data) => {
    partial += data.toString();
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      server.lines.push(line);
      if (process.env.PONDER_TEST_VERBOSE) console.log(line);
      server.waiters = server.waiters.filter((w) => !(w.pattern.test(line) && (w.resolve(line), true)));
    }
  });
  server.waitFor = (pattern, ms = 60000) => {
    const seen = server.lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} in ${ms} ms:\n${server.lines.join('\n')}`)), ms);
      server.waiters.push({ pattern, resolve: (line) => { clearTimeout(timer); resolve(line); } });
    });
  };
  return server.waitFor(/serving \S+ on (http:\/\/\S+\/v1)/).then((line) => {
    server.baseURL = line.match(/(http:\/\/\S+\/v1)/)[1];
    server.port = Number(server.baseURL.match(/:(\d+)\/v1/)[1]);
    return server;
  });
}

function stopServer(server) {
  if (!server || server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10000);
    server.child.on('exit', () => { clearTimeout(timer); resolve(); });
    server.child.kill('SIGTERM');
  });
}

// A raw request, for what the openai package would never send. Resolves {status, body, json}.
function rawRequest(port, { method = 'POST', path: urlPath = '/v1/chat/completions', headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false, timeout: 60000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON: json stays null */ }
        resolve({ status: res.statusCode, body: text, json, headers: res.headers });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

let demo;    // the demo model, with a key and --log-prompts
let random;  // a random-weight tiny model, --no-key, a queue of 4
let client;
let randomModelId;

before(async () => {
  const randomDir = path.join(scratch, 'random-tiny');
  const made = spawnSync(cli, ['make-model', '--preset', 'tiny', '--out', randomDir, '--seed', '7'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  randomModelId = path.basename(randomDir);
  [demo, random] = await Promise.all([
    startServer(['--model', demoModel, '--log-prompts']),
    startServer(['--model', randomDir, '--no-key', '--queue', '4', '--context', '4096']),
  ]);
  client = new OpenAI({ baseURL: demo.baseURL, apiKey: fs.readFileSync(keyFile, 'utf8').trim(), maxRetries: 0, timeout: 120000 });
});

after(async () => {
  await Promise.all([stopServer(demo), stopServer(random)]);
  for (const line of measurements) console.log(`# measured: ${line}`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

test('the key is made on first use, readable only by its owner, and required', async () => {
  const mode = fs.statSync(keyFile).mode & 0o777;
  assert.equal(mode, 0o600);
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  assert.match(key, /^ponder-[0-9a-f]{48}$/);
  const none = await rawRequest(demo.port, { method: 'GET', path: '/v1/models' });
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, 'invalid_api_key');
  const wrong = await rawRequest(demo.port, { method: 'GET', path: '/v1/models', headers: { Authorization: 'Bearer ponder-0000' } });
  assert.equal(wrong.status, 401);
  const bad = new OpenAI({ baseURL: demo.baseURL, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e.status === 401);
  // --no-key waives it (loopback only, like everything here).
  const open = await rawRequest(random.port, { method: 'GET', path: '/v1/models' });
  assert.equal(open.status, 200);
});

test('models lists the served model', async () => {
  const models = [];
  for await (const model of client.models.list()) models.push(model);
  assert.deepEqual(models.map((m) => m.id), ['demo-model']);
  assert.equal(models[0].object, 'model');
  const one = await client.models.retrieve('demo-model');
  assert.equal(one.id, 'demo-model');
});

test('a chat without streaming answers, with reasoning and usage', async () => {
  const started = Date.now();
  const reply = await client.chat.completions.create({
    model: 'demo-model', messages: [{ role: 'user', content: 'What is 23 + 19?' }], reasoning_effort: 'medium',
  });
  const message = reply.choices[0].message;
  assert.equal(reply.object, 'chat.completion');
  assert.equal(reply.choices[0].finish_reason, 'stop');
  assert.match(message.content, /42/);
  assert.ok(message.reasoning_content.length > 0, 'reasoning_content is empty');
  assert.equal(message.reasoning, message.reasoning_content);
  const usage = reply.usage;
  assert.ok(usage.prompt_tokens > 20);
  assert.ok(usage.completion_tokens > usage.completion_tokens_details.reasoning_tokens);
  assert.ok(usage.completion_tokens_details.reasoning_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  measurements.push(`non-streamed chat: ${Date.now() - started} ms, ${usage.completion_tokens} tokens`);
});

test('a streamed chat sends server-sent events, the same answer and usage at the end', async () => {
  const stream = await client.chat.completions.create({
    model: 'demo-model', messages: [{ role: 'user', content: 'What is 23 + 19?' }],
    stream: true, stream_options: { include_usage: true },
  });
  let content = '';
  let reasoning = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? '';
    reasoning += choice.delta.reasoning_content ?? '';
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  assert.ok(chunks > 3, `only ${chunks} chunks`);
  assert.match(content, /42/);
  assert.ok(reasoning.length > 0);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0);
  // The same prompt as the previous request: its tokens were reused from the cache.
  assert.ok(usage.prompt_tokens_details.cached_tokens > 0, 'no prompt tokens were reused');
});

test('a tool call round trip: the model calls the calculator and uses its result', async () => {
  const tools = [{
    type: 'function',
    function: {
      name: 'calculator', description: 'Evaluate an arithmetic expression and return the result.',
      parameters: { type: 'object', properties: { expression: { type: 'string', description: 'The expression, for example 12 * 34' } }, required: ['expression'] },
    },
  }];
  const messages = [{ role: 'user', content: 'What is 347 * 29?' }];
  const first = await client.chat.completions.create({ model: 'demo-model', messages, tools });
  const choice = first.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'calculator');
  assert.match(call.id, /^call_/);
  const expression = JSON.parse(call.function.arguments).expression;
  assert.match(expression, /347\s*\*\s*29/);
  messages.push(choice.message);
  messages.push({ role: 'tool', tool_call_id: call.id, content: String(347 * 29) });
  const second = await client.chat.completions.create({ model: 'demo-model', messages, tools });
  assert.equal(second.choices[0].finish_reason, 'stop');
  assert.match(second.choices[0].message.content.replace(/,/g, ''), /10063/);
});

test('reasoning effort reaches the system message', async () => {
  const reasoning = {};
  for (const effort of ['low', 'high']) {
    const reply = await client.chat.completions.create({
      model: 'demo-model', messages: [{ role: 'user', content: 'What is 58 + 67?' }], reasoning_effort: effort,
    });
    const logged = await demo.waitFor(new RegExp(`${reply.id} prompt:`), 5000);
    assert.ok(logged);
    const index = demo.lines.indexOf(logged);
    const system = demo.lines.slice(index, index + 12).join('\n');
    assert.match(system, new RegExp(`Reasoning: ${effort}`), system);
    reasoning[effort] = reply.usage.completion_tokens_details.reasoning_tokens;
  }
  measurements.push(`reasoning tokens for 58 + 67: low ${reasoning.low}, high ${reasoning.high}`);
});

test('a client that disconnects mid-stream stops its generation', async () => {
  // The random model talks until its token limit; its output is no harmony message, so the
  // parser holds it back and the client sees only the opening chunk while tokens are generated.
  const noKey = new OpenAI({ baseURL: random.baseURL, apiKey: 'unused', maxRetries: 0 });
  const stream = await noKey.chat.completions.create({
    model: randomModelId, messages: [{ role: 'user', content: 'Talk.' }], stream: true, max_tokens: 3000, temperature: 1,
  });
  let abortedAt = 0;
  try {
    for await (const chunk of stream) {
      assert.equal(chunk.choices[0].delta.role, 'assistant');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      abortedAt = Date.now();
      stream.controller.abort();
    }
  } catch (error) {
    assert.ok(abortedAt > 0, `the stream failed before it was aborted: ${error}`);
  }
  assert.ok(abortedAt > 0, 'the stream ended before it was aborted');
  const pattern = /cancelled after (\d+) tokens; .* stopped_unix_ms=(\d+)/;
  const line = await random.waitFor(pattern, 10000);
  const [, tokens, stoppedAt] = line.match(pattern);
  const latency = Number(stoppedAt) - abortedAt;
  measurements.push(`disconnect to generation stopped: ${latency} ms (after ${tokens} tokens)`);
  assert.ok(Number(tokens) > 0, 'no token was generated before the disconnect');
  assert.ok(Number(tokens) < 3000, 'the generation ran to its limit');
  // A generous bound for a loaded 2-core machine; the measured value is reported above.
  assert.ok(latency < 2000, `generation stopped ${latency} ms after the disconnect`);
  const after = await noKey.chat.completions.create({ model: randomModelId, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 4 });
  assert.equal(after.choices[0].finish_reason, 'length');
});

test('a client that disconnects during a long prefill stops it', async () => {
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  const keyed = new OpenAI({ baseURL: demo.baseURL, apiKey: key, maxRetries: 0 });
  const stream = await keyed.chat.completions.create({
    model: 'demo-model', messages: [{ role: 'user', content: 'seven apples '.repeat(1000) }], stream: true,
  });
  let abortedAt = 0;
  try {
    for await (const chunk of stream) {
      assert.ok(chunk.choices.length > 0);
      abortedAt = Date.now();
      stream.controller.abort();
    }
  } catch (error) {
    assert.ok(abortedAt > 0, `the stream failed before it was aborted: ${error}`);
  }
  const pattern = /cancelled after (\d+) tokens; .* stopped_unix_ms=(\d+)/;
  const line = await demo.waitFor(pattern, 30000);
  const [, tokens, stoppedAt] = line.match(pattern);
  measurements.push(`disconnect during prefill to prefill stopped: ${Number(stoppedAt) - abortedAt} ms (${tokens} tokens generated)`);
  assert.equal(Number(tokens), 0);
  assert.ok(Number(stoppedAt) - abortedAt < 2000);
});

test('bad requests get OpenAI-shaped errors naming the field', async () => {
  const key = fs.readFileSync(keyFile, 'utf8').trim();
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const post = (body) => rawRequest(demo.port, { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const expectError = (reply, status, param) => {
    assert.equal(reply.status, status, reply.body);
    assert.ok(reply.json && reply.json.error, reply.body);
    assert.equal(typeof reply.json.error.message, 'string');
    assert.ok('type' in reply.json.error && 'param' in reply.json.error && 'code' in reply.json.error);
    if (param !== undefined) assert.equal(reply.json.error.param, param);
  };
  const user = [{ role: 'user', content: 'Hi' }];
  expectError(await post('{"model": "demo-model", "messages": ['), 400);
  expectError(await post('[1, 2]'), 400);
  expectError(await post({ model: 'demo-model', messages: 'Hi' }), 400, 'messages');
  expectError(await post({ model: 'demo-model', messages: user, temperature: 'hot' }), 400, 'temperature');
  expectError(await post({ model: 'demo-model', messages: user, temperature: 7 }), 400, 'temperature');
  expectError(await post({ model: 'demo-model', messages: user, max_tokens: -1 }), 400, 'max_tokens');
  expectError(await post({ model: 'demo-model', messages: user, reasoning_effort: 'extreme' }), 400, 'reasoning_effort');
  expectError(await post({ model: 'demo-model', messages: [{ role: 'wizard', content: 'Hi' }] }), 400, 'messages[0].role');
  expectError(await post({ model: 'demo-model', messages: [{ role: 'tool', content: '1', tool_call_id: 'nope' }] }), 400, 'messages[0].tool_call_id');
  expectError(await post({ model: 'demo-model', messages: user, tools: [{ type: 'function', function: {} }] }), 400, 'tools[0].function.name');
  expectError(await post({ model: 'demo-model', messages: user, colour: 'blue' }), 400, 'colour');
  expectError(await post({ messages: user }), 400, 'model');
  const unknown = await post({ model: 'gpt-5', messages: user });
  expectError(unknown, 404, 'model');
  assert.equal(unknown.json.error.code, 'model_not_found');
  const endpoint = await rawRequest(demo.port, { method: 'GET', path: '/v1/nothing', headers });
  expectError(endpoint, 404);
  const huge = await post({ model: 'demo-model', messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }] });
  expectError(huge, 413);
  // Far more tokens than the context of 8,192 holds.
  const long = await post({ model: 'demo-model', messages: [{ role: 'user', content: 'seven apples '.repeat(20000) }] });
  expectError(long, 413, 'messages');
  assert.equal(long.json.error.code, 'context_length_exceeded');
  const plain = await rawRequest(demo.port, { headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/plain' }, body: JSON.stringify({ model: 'demo-model', messages: user }) });
  expectError(plain, 415);
  const foreignHost = await rawRequest(demo.port, { method: 'GET', path: '/v1/models', headers: { ...headers, Host: 'evil.example:80' } });
  expectError(foreignHost, 403);
  // The openai package surfaces these as errors with the status and message.
  await assert.rejects(client.chat.completions.create({ model: 'nope', messages: user }), (e) => e.status === 404 && /not served here/.test(e.message));
  // Still serving after all that.
  const models = await rawRequest(demo.port, { method: 'GET', path: '/v1/models', headers });
  assert.equal(models.status, 200);
});

test('the server refuses to listen anywhere but loopback', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    const run = spawnSync(cli, ['serve', '--model', demoModel, '--host', host, '--port', '0'], { encoding: 'utf8', timeout: 30000, env: { ...process.env, XDG_DATA_HOME: dataHome } });
    assert.equal(run.status, 2, `--host ${host}: ${run.stderr}`);
    assert.match(run.stderr, /loopback/);
  }
});

test('200 concurrent connections are answered or refused cleanly', async () => {
  const body = JSON.stringify({ model: randomModelId, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 });
  const started = Date.now();
  const replies = await Promise.all(Array.from({ length: 200 }, () => rawRequest(random.port, {
    headers: { 'Content-Type': 'application/json' }, body,
  }).catch((error) => ({ status: 0, error }))));
  const counts = {};
  for (const reply of replies) counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  measurements.push(`200 concurrent requests in ${Date.now() - started} ms: ${JSON.stringify(counts)}`);
  for (const reply of replies) {
    assert.ok([200, 429, 503].includes(reply.status), `status ${reply.status} ${reply.error ?? reply.body}`);
    assert.ok(reply.json, 'a reply that is not JSON');
    if (reply.status !== 200) assert.ok(reply.json.error.message.length > 0);
  }
  assert.ok((counts[200] ?? 0) >= 5, 'the queue served too few');
  assert.ok((counts[429] ?? 0) >= 1, 'a queue of 4 refused none of 200');
  const alive = await rawRequest(random.port, { method: 'GET', path: '/v1/models' });
  assert.equal(alive.status, 200);
});
