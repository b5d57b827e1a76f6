#!/usr/bin/env node
// Measures the local API (ponder-cli serve) against the same prompt through `ponder-cli chat`:
// time to first token and decode speed (the overhead of HTTP + SSE on top of the chat core),
// and the latency of requests queued behind each other by concurrent clients.
// Node.js only, no packages; traffic only to the loopback server it starts.
//
//   node tools/api-bench.mjs --cli build/ponder-cli --model resources/demo-model \
//        [--runs 5] [--max-tokens 200] [--clients 8] [--requests 10]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, word, i, all) => {
  if (word.startsWith('--')) pairs.push([word.slice(2), all[i + 1]]);
  return pairs;
}, []));
const cli = args.cli ?? 'build/ponder-cli';
const model = args.model ?? 'resources/demo-model';
const runs = Number(args.runs ?? 5);
const maxTokens = Number(args['max-tokens'] ?? 200);
const clients = Number(args.clients ?? 8);
const requestsPerClient = Number(args.requests ?? 10);
const prompt = args.prompt ?? 'What is 23 + 19?';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ponder-api-bench-'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function startServer() {
  const child = spawn(cli, ['serve', '--model', model, '--port', '0', '--no-key', '--queue', String(clients)],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 120000);
    let partial = '';
    child.stderr.on('data', (data) => {
      partial += data;
      const parts = partial.split('\n');
      partial = parts.pop();
      for (const line of parts) {
        lines.push(line);
        const url = line.match(/on http:\/\/127\.0\.0\.1:(\d+)\/v1/);
        if (url) { clearTimeout(timer); resolve({ child, lines, port: Number(url[1]) }); }
      }
    });
  });
}

// One streamed request; resolves the client-side times (ms) of the first token and the end,
// and the server's usage.
function streamed(port, body) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first = 0;
    let usage = null;
    let buffer = '';
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions',
      headers: { 'Content-Type': 'application/json' }, agent: false }, (res) => {
      res.on('data', (data) => {
        buffer += data;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
          const chunk = JSON.parse(event.slice(6));
          if (chunk.usage) usage = chunk.usage;
          const delta = chunk.choices[0]?.delta ?? {};
          if (!first && (delta.content || delta.reasoning_content || delta.tool_calls)) first = performance.now();
        }
      });
      res.on('end', () => resolve({ ttft: first - start, total: performance.now() - start, usage, status: res.statusCode }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ stream: true, stream_options: { include_usage: true }, ...body }));
  });
}

function chatOnce() {
  const db = path.join(scratch, `chat-${Math.random()}.sqlite3`);
  const run = spawnSync(cli, ['chat', '--model', model, '--db', db, '--new', '--prompt', prompt,
    '--max-tokens', String(maxTokens), '--tools', 'none', '--approve', 'never'], { encoding: 'utf8' });
  const footer = run.stderr.match(/(\d+) tokens, (\d+) reasoning · ([\d.]+) tok\/s · first token (\d+) ms/);
  if (!footer) throw new Error(`no footer in: ${run.stderr}`);
  return { tokens: Number(footer[1]), rate: Number(footer[3]), ttft: Number(footer[4]) };
}

const server = await startServer();
const modelId = path.basename(path.resolve(model));
const body = { model: modelId, messages: [{ role: 'user', content: prompt }], max_tokens: maxTokens };

// Warm-up, then alternate chat and API runs of the same prompt. ponder-cli chat starts a fresh
// process (nothing cached); the server keeps the previous request's tokens, so its prompt is
// mostly reused (the table says how many tokens were).
chatOnce();
await streamed(server.port, body);
const chat = [];
const api = [];
for (let i = 0; i < runs; i += 1) {
  chat.push(chatOnce());
  const r = await streamed(server.port, body);
  const tokens = r.usage.completion_tokens;
  api.push({ tokens, ttft: r.ttft, cached: r.usage.prompt_tokens_details.cached_tokens, prompt: r.usage.prompt_tokens,
    rate: tokens > 1 ? (tokens - 1) / ((r.total - r.ttft) / 1000) : 0 });
}
// The same with nothing cached: a fresh server per request, as ponder-cli chat is a fresh process.
const cold = [];
for (let i = 0; i < runs; i += 1) {
  const fresh = await startServer();
  const r = await streamed(fresh.port, body);
  const tokens = r.usage.completion_tokens;
  cold.push({ tokens, ttft: r.ttft, rate: tokens > 1 ? (tokens - 1) / ((r.total - r.ttft) / 1000) : 0 });
  await new Promise((resolve) => { fresh.child.on('exit', resolve); fresh.child.kill('SIGTERM'); });
}
const serverLines = server.lines.filter((l) => /first token/.test(l)).slice(-runs);
const serverRates = serverLines.map((l) => Number(l.match(/([\d.]+) tok\/s/)[1]));
const serverTtft = serverLines.map((l) => Number(l.match(/first token ([\d.]+) ms/)[1]));

console.log(`model ${modelId}, prompt "${prompt}", max ${maxTokens} tokens, ${runs} runs (medians)`);
console.log('| path | tokens | first token (ms) | tokens/s |');
console.log('| --- | --- | --- | --- |');
console.log(`| ponder-cli chat | ${median(chat.map((r) => r.tokens))} | ${median(chat.map((r) => r.ttft))} | ${median(chat.map((r) => r.rate)).toFixed(1)} |`);
console.log(`| API, as the client sees it (${api[0].cached} of ${api[0].prompt} prompt tokens cached) | ${median(api.map((r) => r.tokens))} | ${median(api.map((r) => r.ttft)).toFixed(1)} | ${median(api.map((r) => r.rate)).toFixed(1)} |`);
console.log(`| API, fresh server (nothing cached) | ${median(cold.map((r) => r.tokens))} | ${median(cold.map((r) => r.ttft)).toFixed(1)} | ${median(cold.map((r) => r.rate)).toFixed(1)} |`);
console.log(`| API, server-side (cached prompt) | | ${median(serverTtft).toFixed(1)} | ${median(serverRates).toFixed(1)} |`);

// Queued latency: `clients` clients, each sending `requests` requests one after another.
const latencies = [];
const statuses = {};
const started = performance.now();
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  for (let i = 0; i < requestsPerClient; i += 1) {
    const r = await streamed(server.port, { ...body, max_tokens: 32, messages: [{ role: 'user', content: `${prompt} (${c}.${i})` }] });
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    latencies.push(r.total);
  }
}));
const wall = (performance.now() - started) / 1000;
console.log(`\n${clients} clients x ${requestsPerClient} requests (max 32 tokens): ${JSON.stringify(statuses)} in ${wall.toFixed(1)} s`);
console.log(`| latency | p50 | p90 | p99 | max |`);
console.log(`| --- | --- | --- | --- | --- |`);
console.log(`| ms | ${percentile(latencies, 50).toFixed(0)} | ${percentile(latencies, 90).toFixed(0)} | ${percentile(latencies, 99).toFixed(0)} | ${Math.max(...latencies).toFixed(0)} |`);

server.child.kill('SIGTERM');
fs.rmSync(scratch, { recursive: true, force: true });
