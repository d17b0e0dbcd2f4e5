// A vnet client in plain Node.js: no SDK, no generated code, only the repository's .proto files, loaded at run
// time. It walks through the life of a client once and prints one JSON line per step, so that people can read it
// and a test can check it:
//
//   open_session -> keep_alive -> get (an echo container) -> request (echo, whoami) -> watch_events -> release
//   -> close_session -> done
//
// Usage: node client.js [host:port] [text]
//   host:port  the network's gRPC endpoint; else VNET_NETWORK; else 127.0.0.1:3737
//   text       what to send to the echo container; "hello from node" by default
// With VNET_TOKEN set, every call carries "authorization: Bearer <token>".
//
// On a failure it prints {"step":..., "ok":false, "code":..., "status":..., "message":...} (the gRPC status) and
// exits with 1; on success the last line is {"step":"done","ok":true} and it exits with 0.
'use strict';

const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// The contract lives in the repository, three levels up; it is read as it is, never copied next to the client.
const PROTO_ROOT = path.join(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto');

// A unary call gets this long; the network itself bounds routed requests at 30 s, far more than an echo needs.
const CALL_TIMEOUT_MS = 10_000;
// How long to wait for the event that shows our container before giving up on the watch.
const WATCH_TIMEOUT_MS = 10_000;

function loadNetworkService() {
  const definition = protoLoader.loadSync('vnet/v1/network.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: true, // field names as the .proto and docs/API.md spell them: session_id, not sessionId
    longs: String, // int64/uint64 as decimal strings: JavaScript numbers lose precision past 2^53
    enums: String, // enum values by name, e.g. "EVENT_KIND_CONTAINER_ADDED"
    defaults: true, // unset proto3 fields read as their zero value, as in every other language
    oneofs: true, // a oneof's field name is set too, e.g. event.subject === "container"
  });
  return grpc.loadPackageDefinition(definition).vnet.v1.Network;
}

// The network accepts "host:port[,host:port]" elsewhere (bin/vnet); this client talks to the first one only.
const endpoint = (process.argv[2] || process.env.VNET_NETWORK || '127.0.0.1:3737').split(',')[0].trim();
const text = process.argv[3] || 'hello from node';
const token = process.env.VNET_TOKEN || '';

const Network = loadNetworkService();
const network = new Network(endpoint, grpc.credentials.createInsecure());

// Fresh metadata for every call: grpc-js may keep a reference to what it is given.
function metadata() {
  const md = new grpc.Metadata();
  if (token) {
    md.set('authorization', `Bearer ${token}`);
  }
  return md;
}

function deadline(ms) {
  return { deadline: new Date(Date.now() + ms) };
}

// Runs one unary RPC with a deadline and gives its response as a promise.
function unary(method, request) {
  return new Promise((resolve, reject) => {
    network[method](request, metadata(), deadline(CALL_TIMEOUT_MS), (err, response) => {
      if (err) {
        reject(err);
      } else {
        resolve(response);
      }
    });
  });
}

// Payloads are bytes plus a media type; vnet never looks inside. JSON is what the built-in kinds speak.
function jsonPayload(value) {
  return { data: Buffer.from(JSON.stringify(value), 'utf8'), content_type: 'application/json' };
}

function fromJson(payload) {
  return JSON.parse(Buffer.from(payload.data).toString('utf8'));
}

// Starts WatchEvents with a snapshot, so the container we hold shows up as an ADDED event even though it was
// created before the watch; resolves with the first event about `uuid` and the number of events seen until then.
function awaitContainerEvent(uuid) {
  return new Promise((resolve, reject) => {
    const call = network.WatchEvents(
      { snapshot: true, kinds: ['EVENT_KIND_CONTAINER_ADDED', 'EVENT_KIND_CONTAINER_UPDATED'] },
      metadata(),
      deadline(WATCH_TIMEOUT_MS),
    );
    let seen = 0;
    let done = false;
    call.on('data', (event) => {
      seen += 1;
      if (!done && event.subject === 'container' && event.container.uuid === uuid) {
        done = true;
        call.cancel(); // ends the stream with CANCELLED, which the 'error' handler below then ignores
        resolve({ event, seen });
      }
    });
    call.on('error', (err) => {
      if (!done) {
        done = true;
        reject(err);
      }
    });
    call.on('end', () => {
      if (!done) {
        done = true;
        reject(Object.assign(new Error(`the event stream ended before an event about ${uuid}`), {
          code: grpc.status.UNKNOWN,
        }));
      }
    });
  });
}

let currentStep = 'connect';

function report(step, fields) {
  console.log(JSON.stringify({ step, ...fields }));
}

async function main() {
  // Why the unary session API and not the Session stream: a unary session needs nothing but request/response
  // calls. The stream is faster, but its client must send `hello`, ping every second from a timer, number its
  // calls and match each answer frame to its call id: the machinery the Java SDK has and a plain client should
  // not have to rebuild. A unary session lives for its lease (30 s by default) and every call naming it renews it.
  currentStep = 'open_session';
  const opened = await unary('OpenSession', { client_name: `node-client@${process.pid}`, lease_ms: 30000 });
  const session = opened.session_id;
  report('open_session', { session_id: session, lease_ms: Number(opened.lease_ms) });

  try {
    currentStep = 'keep_alive';
    const alive = await unary('KeepAlive', { session_id: session });
    report('keep_alive', { expires_at_ms: Number(alive.expires_at_ms) });

    // No uuid and no labels: always a new container, with a uuid the network chooses.
    currentStep = 'get';
    const got = await unary('Get', { session_id: session, kind: 'echo' });
    const container = got.container;
    report('get', {
      uuid: container.uuid,
      kind: container.kind,
      agent_id: container.agent_id,
      state: container.state,
      references: container.references,
      created: got.created,
    });

    // Routed through the network to the container's agent. The echo kind answers any operation with the payload it
    // was given, except `whoami` (where it runs, for whom) and `fail`.
    currentStep = 'request';
    const sent = { text, nonce: crypto.randomBytes(8).toString('hex') };
    const reply = await unary('Request', {
      uuid: container.uuid,
      operation: 'echo',
      payload: jsonPayload(sent),
      session_id: session,
      timeout_ms: CALL_TIMEOUT_MS,
    });
    const received = fromJson(reply.payload);
    report('request', {
      operation: 'echo',
      sent,
      received,
      content_type: reply.payload.content_type,
      agent_id: reply.agent_id,
      epoch: reply.epoch,
    });

    currentStep = 'whoami';
    const whoami = fromJson((await unary('Request', {
      uuid: container.uuid,
      operation: 'whoami',
      session_id: session,
      timeout_ms: CALL_TIMEOUT_MS,
    })).payload);
    report('whoami', whoami);

    currentStep = 'watch_events';
    const { event, seen } = await awaitContainerEvent(container.uuid);
    report('watch_events', {
      kind: event.kind,
      uuid: event.container.uuid,
      references: event.container.references,
      reason: event.reason,
      events_seen: seen,
    });

    currentStep = 'release';
    const released = await unary('Release', { session_id: session, uuid: container.uuid });
    report('release', { uuid: container.uuid, references: released.references });
  } catch (err) {
    // Leave nothing behind on the network: its references go with the session. The original failure is the one
    // worth reporting, so a failure to close is only noted.
    await unary('CloseSession', { session_id: session }).catch((closeErr) => {
      console.error(`could not close session ${session}: ${closeErr.details || closeErr.message}`);
    });
    throw err;
  }

  currentStep = 'close_session';
  const closed = await unary('CloseSession', { session_id: session });
  report('close_session', { session_id: session, released: closed.released });
}

main().then(
  () => {
    report('done', { ok: true });
    network.close();
    process.exit(0);
  },
  (err) => {
    const code = typeof err.code === 'number' ? err.code : grpc.status.UNKNOWN;
    const status = Object.keys(grpc.status).find((name) => grpc.status[name] === code) || 'UNKNOWN';
    const message = err.details || err.message;
    report(currentStep, { ok: false, code, status, message });
    console.error(`vnet node client: ${currentStep} failed: ${status} (${code}): ${message}`);
    network.close();
    process.exit(1);
  },
);
