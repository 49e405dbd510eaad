// The body check of the contract (scripts/check-bodies.mjs) catches what it is there for: run with node's test
// runner by scripts/test (`node --test tests/contract/`) before it checks the exchanges the API tests and the
// replay recorded. A small contract of its own keeps these cases independent of proto/openapi.yaml; the last
// case uses the real one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkExchange, loadContract } from '../../scripts/check-bodies.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'scripts/check-bodies.mjs');

const contractText = `
openapi: 3.1.0
info: {title: fixture, version: '1'}
paths:
  /things/{id}/act:
    post:
      operationId: actOnThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingAct'}
      responses:
        '200':
          description: done
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '422': {$ref: '#/components/responses/Problem'}
  /things/special/act:
    post:
      operationId: actOnSpecialThing
      responses:
        '204': {description: done}
        4XX: {$ref: '#/components/responses/Problem'}
components:
  responses:
    Problem:
      description: a problem
      content:
        application/problem+json:
          schema: {$ref: '#/components/schemas/Problem'}
  schemas:
    ThingAct:
      type: object
      additionalProperties: false
      required: [name]
      properties:
        name: {type: string, minLength: 1}
    Thing:
      type: object
      required: [id, note, at]
      properties:
        id: {type: string}
        note: {type: [string, 'null']}
        at: {type: string, format: date-time}
    Problem:
      type: object
      required: [type, title, status]
      properties:
        type: {type: string}
        title: {type: string}
        status: {type: integer}
`;

const thing = { id: 't1', note: null, at: '2026-11-23T09:00:00Z' };
const problem = { type: '/problems/validation', title: 'Unprocessable Entity', status: 422 };

/** A recorded exchange as service/replay/exchange_log.cpp writes it. */
function exchange(method, target, status, request, response, responseType = 'application/json') {
  const requestBody = request === undefined ? null : JSON.stringify(request);
  const responseBody = response === undefined ? null : JSON.stringify(response);
  return {
    source: 'fixture',
    context: 'check_bodies.test.mjs',
    method,
    target,
    status,
    request_content_type: requestBody === null ? '' : 'application/json',
    request_body: requestBody,
    request_body_bytes: requestBody?.length ?? 0,
    response_content_type: responseBody === null ? '' : responseType,
    response_body: responseBody,
    response_body_bytes: responseBody?.length ?? 0,
  };
}

function withFiles(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'check-bodies-'));
  try {
    const contract = join(dir, 'contract.yaml');
    writeFileSync(contract, contractText);
    return fn(dir, contract);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the script on these exchanges; returns { status, out }. */
function run(exchanges, contractPath) {
  return withFiles((dir, fixture) => {
    const log = join(dir, 'exchanges.jsonl');
    writeFileSync(log, exchanges.map((e) => JSON.stringify(e)).join('\n') + (exchanges.length ? '\n' : ''));
    const r = spawnSync(process.execPath, [script, '--contract', contractPath ?? fixture, log], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  });
}

const violations = (contract, ex) => checkExchange(contract, ex).violations;

test('exchanges that keep the contract pass, and the count says so', () => {
  const r = run([
    exchange('POST', '/things/t1/act', 200, { name: 'x' }, thing),
    exchange('POST', '/things/t1/act?x=1', 422, { name: '' }, problem, 'application/problem+json'),
    exchange('POST', '/things/special/act', 204),
  ]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /3 exchanges, 3 checked over 2 operations; 0 violations/);
});

test('a response body that breaks its schema fails the check, naming operation, status and pointer', () => {
  const bad = { ...thing };
  delete bad.note;
  const r = run([exchange('POST', '/things/t1/act', 200, { name: 'x' }, bad)]);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /VIOLATION POST \/things\/\{id\}\/act \(actOnThing\) 200 response \/note: must have required property 'note'/);
  assert.match(r.out, /1 violations \(1 distinct\)/);
});

test('each kind of violation is found', () =>
  withFiles((dir, fixture) => {
    const c = loadContract(fixture);
    // A wrong type, a bad format, a field that is not a string or null.
    assert.deepEqual(
      violations(c, exchange('POST', '/things/t1/act', 200, { name: 'x' }, { id: 1, note: 2, at: 'yesterday' })).map(
        (v) => v.pointer,
      ),
      ['/id', '/note', '/at'],
    );
    // An error body that is not a problem (problem+json bodies are checked too).
    assert.match(
      violations(c, exchange('POST', '/things/t1/act', 422, {}, { status: 422 }, 'application/problem+json'))
        .map((v) => `${v.pointer} ${v.message}`)
        .join('\n'),
      /\/type must have required property 'type'/,
    );
    // A status the operation does not declare.
    assert.equal(violations(c, exchange('POST', '/things/t1/act', 500, { name: 'x' }, problem, 'application/problem+json'))[0].message,
      'status 500 is not declared');
    // A content type it does not declare for that status.
    assert.match(violations(c, exchange('POST', '/things/t1/act', 200, { name: 'x' }, thing, 'text/plain'))[0].message,
      /content type 'text\/plain' is not declared/);
    // A body where none is declared, and no body where one is.
    assert.match(violations(c, exchange('POST', '/things/special/act', 204, undefined, thing))[0].message,
      /body where the contract declares none/);
    assert.match(violations(c, exchange('POST', '/things/t1/act', 200, { name: 'x' }))[0].message, /no body/);
    // JSON that does not parse.
    const broken = exchange('POST', '/things/t1/act', 200, { name: 'x' }, thing);
    broken.response_body = '{"id":';
    assert.match(violations(c, broken)[0].message, /not JSON/);
  }));

test('a request body the server accepted is judged; one it refused is not, but its answer is', () =>
  withFiles((dir, fixture) => {
    const c = loadContract(fixture);
    const accepted = violations(c, exchange('POST', '/things/t1/act', 200, { name: 'x', extra: true }, thing));
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].where, 'request');
    assert.match(accepted[0].message, /accepted, but must NOT have additional properties: 'extra'/);
    assert.equal(violations(c, exchange('POST', '/things/t1/act', 200, {}, thing))[0].pointer, '/name');
    const missing = violations(c, exchange('POST', '/things/t1/act', 200, undefined, thing));
    assert.match(missing[0].message, /required body was missing/);
    // Refused on purpose (a hostile test): the request is not judged...
    assert.deepEqual(
      violations(c, exchange('POST', '/things/t1/act', 422, { name: 5, extra: 1 }, problem, 'application/problem+json')),
      [],
    );
    // ...but the refusal must still keep the contract.
    const refusal = violations(c, exchange('POST', '/things/t1/act', 422, { name: 5 }, { detail: 'x' }, 'application/problem+json'));
    assert.ok(refusal.length > 0);
    assert.ok(refusal.every((v) => v.where === 'response'));
  }));

test('the most literal path template wins, and a range status (4XX) is found', () =>
  withFiles((dir, fixture) => {
    const c = loadContract(fixture);
    assert.equal(checkExchange(c, exchange('POST', '/things/special/act', 204)).operation, 'POST /things/special/act (actOnSpecialThing)');
    assert.deepEqual(violations(c, exchange('POST', '/things/special/act', 409, undefined, problem, 'application/problem+json')), []);
  }));

test('paths and methods the contract does not have are counted, not judged', () => {
  const r = run([exchange('GET', '/css/app.css', 200), exchange('DELETE', '/things/t1/act', 405, undefined, problem)]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /0 checked over 0 operations; 0 violations/);
  assert.match(r.out, /not in the contract, not judged: GET \/css\/app.css \(1\), DELETE \/things\/\{id\}\/act \(1\)/);
});

test('nothing recorded is a failure, not a pass', () => {
  const r = run([]);
  assert.equal(r.status, 2, r.out);
  assert.match(r.out, /no exchange recorded/);
});

test('a source that recorded nothing fails when it is required', () => {
  const r = run([exchange('POST', '/things/special/act', 204)], undefined);
  assert.equal(r.status, 0, r.out);
  const again = withFiles((dir, fixture) => {
    const log = join(dir, 'exchanges.jsonl');
    writeFileSync(log, JSON.stringify(exchange('POST', '/things/special/act', 204)) + '\n');
    return spawnSync(process.execPath, [script, '--contract', fixture, '--require-source', 'replay', log], {
      encoding: 'utf8',
    });
  });
  assert.equal(again.status, 2, again.stdout + again.stderr);
  assert.match(again.stderr, /no exchange of replay/);
});

test('with the real contract: a programme without updated_at is a violation', () => {
  const body = {
    name: 'Volontaires Solidaires',
    starts_on: '2026-09-01',
    ends_on: null,
    registration_open: true,
    coordination_phone: '02 99 00 00 00',
  };
  const r = run([exchange('GET', '/api/v1/programme', 200, undefined, body)], join(root, 'proto/openapi.yaml'));
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /VIOLATION GET \/api\/v1\/programme \(getProgramme\) 200 response \/updated_at: must have required property 'updated_at'/);
});
