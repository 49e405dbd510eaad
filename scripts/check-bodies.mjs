#!/usr/bin/env node
// Checks recorded HTTP exchanges against the API contract (proto/openapi.yaml), bodies included.
//
// The API tests' client and the season replay's client append each exchange to the JSON-lines file named by
// RELAIS_EXCHANGE_LOG (service/replay/exchange_log.hpp: method, target, status, content types, JSON bodies).
// For each one this script finds the operation (method and path template), then:
//   - the response: its status must be declared (exactly, as a range like 4XX, or as `default`), its content
//     type among the declared ones (a body where none is declared is a violation), and a JSON body must
//     match the declared schema (problem+json error bodies included);
//   - the request, when the server accepted it (status below 400): a JSON body must match the operation's
//     request-body schema, and a required body must be there. Requests the server refused are not judged:
//     tests send malformed bodies on purpose and expect 4xx; their responses are still checked.
// Exchanges whose path or method the contract does not have (static files, deliberate 404/405 probes) are
// counted, not judged: scripts/lint-contract matches the routes and the contract both ways.
//
// Prints each distinct violation (operation, status, where, JSON pointer, message, how many times, an
// example target and test), then a count; exits 1 on any violation, 2 when it could not check (no file, no
// exchange recorded, unreadable contract), 0 otherwise.
//
// usage: node scripts/check-bodies.mjs [--contract FILE] [--require-source NAME]... [--quiet] LOG.jsonl...
//   --require-source NAME: fail (exit 2) unless some exchange of that source was recorded ("api-tests",
//   "replay"), so that a client that stopped recording cannot pass unnoticed.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACT_ID = 'contract';
const USAGE = 'usage: node scripts/check-bodies.mjs [--contract FILE] [--require-source NAME]... [--quiet] LOG.jsonl...';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** JSON Pointer escaping of one reference token (RFC 6901). */
const escapeToken = (token) => String(token).replaceAll('~', '~0').replaceAll('/', '~1');
const pointerOf = (tokens) => tokens.map((t) => '/' + escapeToken(t)).join('');

/** The media type of a Content-Type value: lower case, without parameters. */
export function mediaType(contentType) {
  return String(contentType ?? '').split(';')[0].trim().toLowerCase();
}

const isJsonMedia = (media) => media === 'application/json' || media.endsWith('+json');

/** Loads the contract and prepares the lookups and the schema validator. */
export function loadContract(file) {
  const doc = YAML.parse(readFileSync(file, 'utf8'));
  if (!doc || typeof doc !== 'object' || !doc.paths) throw new Error(`${file}: not an OpenAPI document`);
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('password', true);  // OpenAPI's hint for input fields; any string
  ajv.addSchema(doc, CONTRACT_ID);

  // Path templates, most literal first, so /volunteers/idle wins over /volunteers/{id}.
  const routes = Object.keys(doc.paths).map((template) => {
    const parts = template.split(/(\{[^}/]+\})/).filter((p) => p !== '');
    const literal = parts.filter((p) => !p.startsWith('{')).join('').length;
    const source = parts
      .map((p) => (p.startsWith('{') ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return { template, regex: new RegExp(`^${source}$`), literal };
  });
  routes.sort((a, b) => b.literal - a.literal);

  const validators = new Map();
  return {
    doc,
    /** The path template matching a concrete path, or null. */
    route(path) {
      return routes.find((r) => r.regex.test(path))?.template ?? null;
    },
    /** Follows local $refs: returns [object, pointer tokens of where it lives]. */
    deref(node, tokens) {
      const seen = new Set();
      while (node && typeof node === 'object' && typeof node.$ref === 'string') {
        const ref = node.$ref;
        if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`unsupported or circular $ref ${ref}`);
        seen.add(ref);
        tokens = ref.slice(2).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
        node = tokens.reduce((n, t) => (n == null ? undefined : n[t]), doc);
      }
      return [node, tokens];
    },
    /** The compiled validator of the schema at these pointer tokens. */
    validator(tokens) {
      const pointer = pointerOf(tokens);
      let v = validators.get(pointer);
      if (!v) {
        v = ajv.compile({ $ref: `${CONTRACT_ID}#${pointer}` });
        validators.set(pointer, v);
      }
      return v;
    },
  };
}

/** The declared response of a status: exact, then a range (4XX), then default. */
function findResponse(contract, responses, responsesTokens, status) {
  const keys = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default'];
  for (const key of keys) {
    if (responses && Object.hasOwn(responses, key))
      return { key, ...withTokens(contract.deref(responses[key], [...responsesTokens, key])) };
  }
  return null;
}

const withTokens = ([node, tokens]) => ({ node, tokens });

/** The content entry of a media type: exact, then type/*, then * / *. */
function findMedia(content, media) {
  if (!content) return null;
  const candidates = [media, `${media.split('/')[0]}/*`, '*/*'];
  for (const key of candidates) if (Object.hasOwn(content, key)) return key;
  // Declared keys may carry parameters or other case.
  return Object.keys(content).find((k) => mediaType(k) === media) ?? null;
}

function describeError(e) {
  let message = e.message ?? 'invalid';
  if (e.keyword === 'additionalProperties') message += `: '${e.params.additionalProperty}'`;
  if (e.keyword === 'enum') message += `: ${JSON.stringify(e.params.allowedValues)}`;
  if (e.keyword === 'const') message += `: ${JSON.stringify(e.params.allowedValue)}`;
  const pointer = e.keyword === 'required' ? `${e.instancePath}/${escapeToken(e.params.missingProperty)}` : e.instancePath;
  return { pointer: pointer || '', message };
}

/** Schema errors worth printing: the anyOf/oneOf summaries are dropped when their branches explain more. */
function schemaErrors(validate) {
  const errors = (validate.errors ?? []).map(describeError);
  const unique = new Map();
  for (const e of errors) unique.set(`${e.pointer}\u0000${e.message}`, e);
  return [...unique.values()];
}

function parseJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

/**
 * Checks one exchange. Returns { operation, skipped, violations: [{where, pointer, message}] } where
 * `operation` is "METHOD /template (operationId)".
 */
export function checkExchange(contract, ex) {
  const method = String(ex.method ?? '').toLowerCase();
  const path = String(ex.target ?? '').split('?')[0].split('#')[0];
  const template = contract.route(path);
  const lookupMethod = method === 'head' && !contract.doc.paths[template]?.head ? 'get' : method;
  const pathTokens = ['paths', template];
  const [pathItem, pathItemTokens] = template ? contract.deref(contract.doc.paths[template], pathTokens) : [null];
  const operation = pathItem && METHODS.includes(lookupMethod) ? pathItem[lookupMethod] : undefined;
  if (!operation) return { operation: `${method.toUpperCase()} ${template ?? path}`, skipped: true, violations: [] };
  const opTokens = [...pathItemTokens, lookupMethod];
  const name = `${method.toUpperCase()} ${template} (${operation.operationId ?? 'no operationId'})`;
  const violations = [];
  const status = Number(ex.status);

  // --- the response ---------------------------------------------------------------------------------------
  const found = findResponse(contract, operation.responses, [...opTokens, 'responses'], status);
  if (!found) {
    violations.push({ where: 'response', pointer: '', message: `status ${status} is not declared` });
  } else {
    const content = found.node?.content;
    const media = mediaType(ex.response_content_type);
    const hasBody = Number(ex.response_body_bytes ?? 0) > 0;
    if (!content || Object.keys(content).length === 0) {
      if (hasBody)
        violations.push({
          where: 'response',
          pointer: '',
          message: `a ${media || 'untyped'} body where the contract declares none`,
        });
    } else if (!hasBody) {
      if (method !== 'head' && status !== 204 && status !== 304)
        violations.push({
          where: 'response',
          pointer: '',
          message: `no body where the contract declares ${Object.keys(content).join(', ')}`,
        });
    } else {
      const key = findMedia(content, media);
      if (!key) {
        violations.push({
          where: 'response',
          pointer: '',
          message: `content type '${media}' is not declared (${Object.keys(content).join(', ')})`,
        });
      } else if (isJsonMedia(media) && content[key]?.schema !== undefined) {
        const parsed = parseJson(ex.response_body ?? '');
        if (!parsed.ok) {
          violations.push({ where: 'response', pointer: '', message: `not JSON: ${parsed.error}` });
        } else {
          const validate = contract.validator([...found.tokens, 'content', key, 'schema']);
          if (!validate(parsed.value))
            for (const e of schemaErrors(validate)) violations.push({ where: 'response', ...e });
        }
      }
    }
  }

  // --- the request, when the server accepted it -------------------------------------------------------
  if (status < 400) {
    const [requestBody, rbTokens] = operation.requestBody
      ? contract.deref(operation.requestBody, [...opTokens, 'requestBody'])
      : [null, null];
    const hasBody = Number(ex.request_body_bytes ?? 0) > 0;
    const media = mediaType(ex.request_content_type);
    if (!requestBody) {
      if (hasBody)
        violations.push({
          where: 'request',
          pointer: '',
          message: `a ${media || 'untyped'} body was accepted where the contract declares none`,
        });
    } else if (!hasBody) {
      if (requestBody.required)
        violations.push({ where: 'request', pointer: '', message: 'the required body was missing, yet accepted' });
    } else {
      const key = findMedia(requestBody.content, media);
      if (!key) {
        violations.push({
          where: 'request',
          pointer: '',
          message: `content type '${media}' was accepted but is not declared (${Object.keys(requestBody.content ?? {}).join(', ')})`,
        });
      } else if (isJsonMedia(media) && requestBody.content[key]?.schema !== undefined) {
        const parsed = parseJson(ex.request_body ?? '');
        if (!parsed.ok) {
          violations.push({ where: 'request', pointer: '', message: `accepted a body that is not JSON: ${parsed.error}` });
        } else {
          const validate = contract.validator([...rbTokens, 'content', key, 'schema']);
          if (!validate(parsed.value))
            for (const e of schemaErrors(validate))
              violations.push({ where: 'request', pointer: e.pointer, message: `accepted, but ${e.message}` });
        }
      }
    }
  }
  return { operation: name, skipped: false, violations };
}

/** Reads JSON-lines exchange logs; returns { exchanges, broken } (broken: unreadable lines). */
export function readExchanges(files) {
  const exchanges = [];
  let broken = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        exchanges.push(JSON.parse(line));
      } catch {
        broken += 1;
      }
    }
  }
  return { exchanges, broken };
}

/** Checks every exchange; returns the summary and the distinct violations. */
export function checkAll(contract, exchanges) {
  const distinct = new Map();
  const operations = new Set();
  const outside = new Map();
  let violations = 0;
  let checked = 0;
  for (const ex of exchanges) {
    const r = checkExchange(contract, ex);
    if (r.skipped) {
      outside.set(r.operation, (outside.get(r.operation) ?? 0) + 1);
      continue;
    }
    checked += 1;
    operations.add(r.operation);
    for (const v of r.violations) {
      violations += 1;
      const key = [r.operation, ex.status, v.where, v.pointer, v.message].join('\u0000');
      const d = distinct.get(key);
      if (d) d.count += 1;
      else
        distinct.set(key, {
          operation: r.operation,
          status: ex.status,
          ...v,
          count: 1,
          example: `${ex.method} ${ex.target}`,
          source: [ex.source, ex.context].filter(Boolean).join(': '),
        });
    }
  }
  return { checked, operations, outside, violations, distinct: [...distinct.values()] };
}

function main(argv) {
  let contractFile = resolve(root, 'proto/openapi.yaml');
  let quiet = false;
  const files = [];
  const required = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--contract') contractFile = argv[++i];
    else if (argv[i] === '--quiet') quiet = true;
    else if (argv[i] === '--require-source') required.push(argv[++i]);
    else if (argv[i] === '-h' || argv[i] === '--help') {
      console.log(USAGE);
      return 0;
    } else files.push(argv[i]);
  }
  if (files.length === 0 || !contractFile) {
    console.error(`check-bodies: ${USAGE}`);
    return 2;
  }
  let contract, log;
  try {
    contract = loadContract(contractFile);
    log = readExchanges(files);
  } catch (err) {
    console.error(`check-bodies: ${err.message}`);
    return 2;
  }
  if (log.broken > 0) {
    console.error(`check-bodies: ${log.broken} unreadable line(s) in ${files.join(', ')}`);
    return 2;
  }
  if (log.exchanges.length === 0) {
    console.error(`check-bodies: no exchange recorded in ${files.join(', ')}: nothing was checked`);
    return 2;
  }
  for (const source of required) {
    if (!log.exchanges.some((ex) => ex.source === source)) {
      console.error(`check-bodies: no exchange of ${source} in ${files.join(', ')}: it recorded nothing`);
      return 2;
    }
  }
  const r = checkAll(contract, log.exchanges);
  const list = [...r.distinct].sort((a, b) => a.operation.localeCompare(b.operation) || a.status - b.status);
  for (const v of list) {
    console.log(
      `VIOLATION ${v.operation} ${v.status} ${v.where} ${v.pointer || '(body)'}: ${v.message}` +
        ` [${v.count}x; e.g. ${v.example}${v.source ? ` from ${v.source}` : ''}]`,
    );
  }
  if (!quiet && r.outside.size > 0) {
    const entries = [...r.outside.entries()].sort((a, b) => b[1] - a[1]);
    const shown = entries.slice(0, 12).map(([k, n]) => `${k} (${n})`).join(', ');
    const more = entries.length > 12 ? `, and ${entries.length - 12} more` : '';
    console.log(`check-bodies: not in the contract, not judged: ${shown}${more}`);
  }
  console.log(
    `check-bodies: ${log.exchanges.length} exchanges, ${r.checked} checked over ${r.operations.size} operations; ` +
      `${r.violations} violations (${r.distinct.length} distinct)`,
  );
  return r.violations > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
