// BullMQ adapter of the queue-benchmark harness: one scenario per process.
//
//   node adapter.mjs <scenario> port=6400 key=value ...
//
// Same scenarios, arguments and protocol as the OURS adapter (see queue-benchmark/README.md):
// lines on stdout starting with "BENCH " are JSON ({"event":"ready"}, {"event":"result",...}); the
// driver answers phased scenarios with "go" / "stop" on stdin. Only 127.0.0.1 is ever contacted.
//
// Configuration: BullMQ defaults, except removeOnComplete (so that it is not penalised for keeping
// completed jobs, as the issue asks) and the worker's concurrency where a scenario sets one. With
// tuned=true, what BullMQ's docs offer for throughput and memory: removeOnFail too, and the events stream
// capped at 100 entries instead of 10 000 (streams.events.maxLen). ioredis's auto-pipelining was tried on
// the producer's connection and left out: it made one-at-a-time pushes ~3x slower and latency far worse.
import { Queue, Worker } from 'bullmq';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

const [scenario, ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((kv) => {
  const eq = kv.indexOf('=');
  return [kv.slice(0, eq), kv.slice(eq + 1)];
}));
const int = (key, fallback) => (args[key] !== undefined ? parseInt(args[key], 10) : fallback);
const num = (key, fallback) => (args[key] !== undefined ? parseFloat(args[key]) : fallback);

const port = int('port');
if (!port) {
  throw new Error('port=... is required');
}
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const queueName = args.queue ?? 'bench';
const JOB = 'noop';
const tuned = args.tuned === 'true';
const defaultJobOptions = tuned ? { removeOnComplete: true, removeOnFail: true } : { removeOnComplete: true };
const queueOptions = tuned
  ? { connection, defaultJobOptions, streams: { events: { maxLen: 100 } } }
  : { connection, defaultJobOptions };

// What a drain's job does, as in the other adapters: nothing, work=cpu workMs=1 (keep the one thread busy that
// long) or work=sleep workMs=20 (wait that long, as an I/O call would: Node does not block on it).
function work() {
  const kind = args.work ?? 'none';
  const ms = num('workMs', 0);
  if (kind === 'none') return async () => {};
  if (kind === 'cpu') {
    return async () => {
      const end = performance.now() + ms;
      while (performance.now() < end) { /* busy */ }
    };
  }
  if (kind === 'sleep') return () => sleep(ms);
  throw new Error(`unknown work=${kind} (none, cpu or sleep)`);
}

const emit = (fields) => process.stdout.write(`BENCH ${JSON.stringify(fields)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, decimals) => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};
const epochMs = () => performance.timeOrigin + performance.now();
// Start/end of a timed phase, with this process's CPU time: the driver reads Redis's at the same moment.
const mark = (name) => {
  const cpu = process.cpuUsage();
  emit({ event: 'mark', name, cpuMs: (cpu.user + cpu.system) / 1000, epochMs: Date.now() });
};

const stdinLines = [];
const stdinWaiters = [];
const stdin = readline.createInterface({ input: process.stdin });
stdin.on('line', (line) => {
  const waiter = stdinWaiters.shift();
  if (waiter) waiter(line.trim());
  else stdinLines.push(line.trim());
});
async function awaitWord(expected) {
  const line = stdinLines.length > 0 ? stdinLines.shift() : await new Promise((resolve) => stdinWaiters.push(resolve));
  if (line !== expected) {
    throw new Error(`expected '${expected}' from the driver, got '${line}'`);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

// Jobs that never started (NaN) count as infinitely late: a saturated system gets null percentiles
// rather than the flattering ones of the few jobs it started.
function latencyFigures(values) {
  let unstarted = 0;
  const sorted = Array.from(values, (v) => {
    if (Number.isNaN(v)) {
      unstarted++;
      return Infinity;
    }
    return v;
  }).sort((a, b) => a - b);
  const r3 = (v) => (Number.isFinite(v) ? round(v, 3) : null);
  return {
    jobs: values.length,
    started: values.length - unstarted,
    unstarted,
    complete: unstarted === 0,
    p50Ms: r3(percentile(sorted, 50)),
    p99Ms: r3(percentile(sorted, 99)),
    p999Ms: r3(percentile(sorted, 99.9)),
    maxMs: r3(sorted[sorted.length - 1]),
  };
}

// Push jobs with i = -1 and wait (up to primeSeconds) until they ran: JIT and connections warm before
// the timed phase. A system too slow to run them all in time goes on with the rest still queued.
async function prime(queue, jobs, primed) {
  for (let k = 0; k < jobs; k++) queue.add(JOB, { i: -1, t: 0, due: 0 });
  await Promise.race([primed, sleep(num('primeSeconds', 15) * 1000)]);
}

function rate(jobs, ms) {
  return { jobs, seconds: round(ms / 1000, 3), rate: round(jobs / (ms / 1000), 1) };
}

async function openQueue(name = queueName) {
  const queue = new Queue(name, queueOptions);
  await queue.waitUntilReady();
  return queue;
}

function bulk(from, size, data) {
  const jobs = new Array(size);
  for (let k = 0; k < size; k++) {
    jobs[k] = { name: JOB, data: data !== undefined ? { i: from + k, data } : { i: from + k } };
  }
  return jobs;
}

// ------------------------------------------------------------------ push

async function pushSingle(queue) {
  const jobs = int('jobs', 20000);
  for (let w = 0; w < int('warmup', 2000); w++) await queue.add(JOB, { i: -1 });
  mark('start');
  const start = performance.now();
  const deadline = start + num('seconds', 5) * 1000;
  let n = 0;
  while (n < jobs && performance.now() < deadline) {
    await queue.add(JOB, { i: n });
    n++;
  }
  const elapsed = performance.now() - start;
  mark('end');
  return rate(n, elapsed);
}

async function pushThreads(queue) {
  const jobs = int('jobs', 50000);
  const threads = int('threads', 32);
  for (let w = 0; w < int('warmup', 2000); w++) await queue.add(JOB, { i: -1 });
  mark('start');
  const start = performance.now();
  const deadline = start + num('seconds', 5) * 1000;
  let tickets = 0;
  let done = 0;
  const loop = async () => {
    let i;
    while ((i = tickets++) < jobs && performance.now() < deadline) {
      await queue.add(JOB, { i });
      done++;
    }
  };
  await Promise.all(Array.from({ length: threads }, loop));
  const elapsed = performance.now() - start;
  mark('end');
  return { ...rate(done, elapsed), threads };
}

async function pushBatch(queue) {
  const jobs = int('jobs', 200000);
  const batch = int('batch', 1000);
  const warmupBatches = Math.max(1, Math.floor(int('warmup', 2000) / batch));
  for (let w = 0; w < warmupBatches; w++) await queue.addBulk(bulk(0, batch));
  mark('start');
  const start = performance.now();
  const deadline = start + num('seconds', 5) * 1000;
  let n = 0;
  while (n < jobs && performance.now() < deadline) {
    const size = Math.min(batch, jobs - n);
    await queue.addBulk(bulk(n, size));
    n += size;
  }
  const elapsed = performance.now() - start;
  mark('end');
  return { ...rate(n, elapsed), batch };
}

// ------------------------------------------------------------------ drain

async function drain(queue) {
  const jobs = int('jobs', 100000);
  const warmup = int('warmup', 0);
  const warmupMs = num('warmupSeconds', 5) * 1000;
  const total = jobs + warmup;
  const concurrency = int('concurrency', 8);
  const prefillStart = performance.now();
  for (let n = 0; n < total; n += 1000) {
    await queue.addBulk(bulk(n, Math.min(1000, total - n)));
  }
  const prefillRate = round(total / ((performance.now() - prefillStart) / 1000), 1);
  const waiting = await queue.getWaitingCount();
  if (waiting !== total) {
    throw new Error(`expected ${total} waiting jobs after the prefill, found ${waiting}`);
  }
  // The untimed warm-up ends at the first completion once `warmup` jobs are done or warmupSeconds have
  // passed; that completion starts the timed phase (the same rule as the other adapters).
  let completed = 0;
  let end = 0;
  let start = 0;
  let startCount = 0;
  let resolveWarm;
  let resolveAll;
  const warm = new Promise((resolve) => { resolveWarm = resolve; });
  const all = new Promise((resolve) => { resolveAll = resolve; });
  const began = performance.now();
  const startTimed = () => {
    start = performance.now();
    startCount = completed;
    mark('start');
    resolveWarm(true);
  };
  if (warmup === 0) {
    startTimed();
  }
  // Issue 14: globalConcurrency=N limits the queue's active jobs across all workers (Queue.setGlobalConcurrency)
  const globalConcurrency = int('globalConcurrency', 0);
  if (globalConcurrency > 0) await queue.setGlobalConcurrency(globalConcurrency);
  const worker = new Worker(queueName, work(), { connection, concurrency });
  worker.on('completed', () => {
    completed++;
    if (start === 0 && (completed >= warmup || performance.now() - began >= warmupMs)) {
      startTimed();
    }
    if (start !== 0 && completed === startCount + jobs) {
      end = performance.now();
      resolveAll(true);
    }
  });
  const warmed = await Promise.race([warm, sleep(warmupMs + 60000).then(() => false)]);
  const finished = warmed && await Promise.race([all, sleep(num('seconds', 60) * 1000).then(() => false)]);
  const stop = finished ? end : performance.now();
  const done = completed;
  mark('end');
  await worker.close();
  const counts = await queue.getJobCounts('wait', 'active');
  return {
    ...rate(done - startCount, stop - (start || began)), concurrency, complete: finished, warmupJobs: startCount,
    prefillRate, leftWaiting: counts.wait, leftReserved: counts.active,
    ...(globalConcurrency > 0 ? { globalConcurrency } : {}),
  };
}

// ------------------------------------------------------------------ rate limit (issue 14)

// The worker's limiter when rateMax=N ratePeriodMs=M are given: { max, duration } (BullMQ counts the jobs it
// moves to active in a key that expires `duration` after the first of them, a fixed window).
const limiter = () => (int('rateMax', 0) > 0 ? { max: int('rateMax'), duration: int('ratePeriodMs', 1000) } : undefined);

// Arrivals that find a fixed window's edge (pattern=edge), as StartLog.pushEdges: per cycle (3 periods apart) one
// job, max - 1 at 0.85 of the period, max more at 1.05 periods.
async function pushEdges(queue) {
  const max = int('rateMax', 100);
  const period = int('ratePeriodMs', 1000);
  const begin = performance.now();
  let n = 0;
  for (let cycle = 0; cycle < int('cycles', 2); cycle++) {
    const base = begin + 3 * cycle * period;
    for (const [at, size] of [[0, 1], [0.85, max - 1], [1.05, max]]) {
      await sleep(Math.max(0, base + at * period - performance.now()));
      await queue.addBulk(bulk(n, size));
      n += size;
    }
  }
}

// No-op jobs under the limiter: a backlog of `jobs` pushed before the worker starts, or with pattern=edge the
// arrivals above. Every handler start is recorded (monotonic clock) for `seconds` from the first, and reported
// as microseconds from the first; the driver counts them per window.
async function rateLimit(queue) {
  const jobs = int('jobs', 4000);
  const edge = args.pattern === 'edge';
  if (!edge) {
    for (let n = 0; n < jobs; n += 1000) {
      await queue.addBulk(bulk(n, Math.min(1000, jobs - n)));
    }
  }
  const starts = [];
  let resolveFirst;
  const first = new Promise((resolve) => { resolveFirst = resolve; });
  const worker = new Worker(queueName, async () => {
    const now = performance.now();
    if (starts.length === 0) resolveFirst(now);
    starts.push(now);
  }, { connection, concurrency: int('concurrency', 8), limiter: limiter() });
  await worker.waitUntilReady();
  const pushing = edge ? pushEdges(queue) : Promise.resolve();
  const firstAt = await Promise.race([first, sleep(60000).then(() => 0)]);
  if (!firstAt) {
    throw new Error('no job started within 60 s');
  }
  // as long as the Java adapters record (StartLog.recordMillis): the period and 500 ms more
  await sleep(firstAt + num('seconds', 30) * 1000 + 500 - performance.now());
  await pushing;
  await worker.close();
  const sorted = starts.slice().sort((a, b) => a - b);
  return {
    rateMax: int('rateMax', 0), ratePeriodMs: int('ratePeriodMs', 1000), seconds: num('seconds', 30),
    concurrency: int('concurrency', 8), pattern: edge ? 'edge' : 'backlog', prefilled: edge ? 0 : jobs,
    startsUs: sorted.map((t) => Math.floor((t - sorted[0]) * 1000)),
    leftWaiting: await queue.getWaitingCount(),
  };
}

// ------------------------------------------------------------------ latency

async function latency(queue) {
  const offered = int('rate', 2000);
  const seconds = num('seconds', 10);
  const warmupSeconds = num('warmup', 2);
  const concurrency = int('concurrency', 8);
  const primeJobs = int('prime', 100);
  const warmup = Math.round(offered * warmupSeconds);
  const total = warmup + Math.round(offered * seconds);
  const latencies = new Float64Array(total).fill(NaN);
  let started = 0;
  let primedCount = 0;
  let failures = 0;
  let resolveAll;
  let resolvePrimed;
  const all = new Promise((resolve) => { resolveAll = resolve; });
  const primed = new Promise((resolve) => { resolvePrimed = resolve; });
  const worker = new Worker(queueName, async (job) => {
    const now = performance.now();
    if (job.data.i < 0) {
      if (++primedCount === primeJobs) resolvePrimed(true);
      return;
    }
    latencies[job.data.i] = now - job.data.t;
    if (++started === total) resolveAll(true);
  }, { connection, concurrency });
  await worker.waitUntilReady();
  await prime(queue, primeJobs, primed);
  const periodMs = 1000 / offered;
  const base = performance.now() + 50;
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && base + i * periodMs <= now) {
      queue.add(JOB, { i, t: performance.now() }).catch(() => { failures++; });
      i++;
    }
    await sleep(1);
  }
  const offeredSeconds = (performance.now() - base) / 1000;
  await Promise.race([all, sleep(num('tailSeconds', 5) * 1000)]);
  await worker.close();
  return {
    offeredRate: offered,
    achievedRate: round(total / offeredSeconds, 1),
    pushFailures: failures,
    ...latencyFigures(latencies.subarray(warmup)),
  };
}

// ------------------------------------------------------------------ delayed

// Seeded, so that every run gets the same delays (uniform between minDelayMs and maxDelayMs).
function splitmix(seed) {
  let state = BigInt(seed);
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
}

async function delayed(queue) {
  const jobs = int('jobs', 400);
  const offered = int('rate', 40);
  const minDelay = int('minDelayMs', 100);
  const maxDelay = int('maxDelayMs', 2000);
  const concurrency = int('concurrency', 32);
  const primeJobs = int('prime', 100);
  const lateness = new Float64Array(jobs).fill(NaN);
  let started = 0;
  let primedCount = 0;
  let resolveAll;
  let resolvePrimed;
  const all = new Promise((resolve) => { resolveAll = resolve; });
  const primed = new Promise((resolve) => { resolvePrimed = resolve; });
  const worker = new Worker(queueName, async (job) => {
    const now = epochMs();
    if (job.data.i < 0) {
      if (++primedCount === primeJobs) resolvePrimed(true);
      return;
    }
    lateness[job.data.i] = now - job.data.due;
    if (++started === jobs) resolveAll(true);
  }, { connection, concurrency });
  await worker.waitUntilReady();
  await prime(queue, primeJobs, primed);
  const random = splitmix(42);
  const periodMs = 1000 / offered;
  const base = performance.now() + 50;
  let i = 0;
  while (i < jobs) {
    const now = performance.now();
    while (i < jobs && base + i * periodMs <= now) {
      const delay = minDelay + Math.floor(random() * (maxDelay - minDelay + 1));
      queue.add(JOB, { i, due: epochMs() + delay }, { delay });
      i++;
    }
    await sleep(1);
  }
  await Promise.race([all, sleep(maxDelay + num('tailSeconds', 5) * 1000)]);
  await worker.close();
  return latencyFigures(lateness);
}

// ------------------------------------------------------------------ memory and idle (measured by the driver)

async function fill(queue) {
  const jobs = int('jobs', 20000);
  const payloadBytes = int('payloadBytes', 1024);
  const data = 'x'.repeat(payloadBytes);
  emit({ event: 'ready' });
  await awaitWord('go');
  for (let n = 0; n < jobs; n += 100) {
    await queue.addBulk(bulk(n, Math.min(100, jobs - n), data));
  }
  emit({ event: 'pushed' });
  await awaitWord('stop');
  return { jobs, payloadBytes };
}

async function idle() {
  const queues = int('queues', 4);
  const globalConcurrency = int('globalConcurrency', 0);
  const workers = [];
  for (let q = 0; q < queues; q++) {
    if (globalConcurrency > 0) {
      const limited = await openQueue(`${queueName}-idle-${q}`);
      await limited.setGlobalConcurrency(globalConcurrency);
      await limited.close();
    }
    const worker = new Worker(`${queueName}-idle-${q}`, async () => {}, { connection, limiter: limiter() });
    await worker.waitUntilReady();
    workers.push(worker);
  }
  emit({ event: 'ready' });
  await awaitWord('stop');
  await Promise.all(workers.map((worker) => worker.close()));
  const limits = `${globalConcurrency > 0 ? `, global concurrency ${globalConcurrency}` : ''}`
    + `${limiter() ? `, limiter ${JSON.stringify(limiter())}` : ''}`;
  return { queues, settings: `Worker defaults (drainDelay 5 s, stalledInterval 30 s)${tuned ? ', tuned queue options' : ''}${limits}` };
}

// ------------------------------------------------------------------ main

const scenarios = {
  'push-single': pushSingle,
  'push-threads': pushThreads,
  'push-batch': pushBatch,
  drain,
  latency,
  delayed,
  fill,
  'rate-limit': rateLimit,
};

let code = 0;
let queue;
try {
  let figures;
  if (scenario === 'idle') {
    figures = await idle();
  } else if (scenarios[scenario]) {
    queue = await openQueue();
    figures = await scenarios[scenario](queue);
  } else {
    throw new Error(`unknown scenario ${scenario}`);
  }
  emit({ event: 'result', scenario, ...figures });
} catch (error) {
  console.error(error);
  emit({ event: 'error', message: String(error) });
  code = 1;
} finally {
  try {
    if (queue) await queue.close();
  } catch (error) {
    console.error(error);
  }
  stdin.close();
  process.exit(code);
}
