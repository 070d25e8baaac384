// Runs TM Forum's own v5 spec (DO_NOT_CHANGE/cypress/e2e/production/ctk.cy.js, read from the kit's folder)
// under Mocha with a stand-in for the parts of Cypress 12 it uses, and writes each `it`'s state.
//
// argv: the kit's DO_NOT_CHANGE folder, then a JSON list of jobs {"config": {url, headers, payloads} in place
// of cypress/fixtures/config.json, "export": path of the JSON report to write}.
//
// What is reproduced, each from Cypress 12's own code (the rules C1-C9 of docs/verdicts-and-credentials.md):
// - cy.request (packages/driver/src/cy/commands/request.ts): `json: true` only for an object body
//   (isValidJsonObj), the URL joined to baseUrl ($Location.qualifyWithBaseUrl / join), failOnStatusCode,
//   retries on network errors (retryIntervals [0, 100, 200, 200]), redirects followed for every method
//   (packages/server/lib/request.js sendPromise: followAllRedirects = followRedirect).
// - The body (packages/server/lib/request.js normalizeResponse / contentTypeIsJson): with `json: true`
//   @cypress/request 2.88.12 parses it (JSON.parse, left as is when that throws, undefined when empty);
//   else a string body is parsed only when the content type (before `;`) ends in `json`.
// - The command queue (packages/driver/src/cypress/cy.ts enqueue with nestedIndex): commands run after the
//   runnable's function returns, nested ones right after the command that enqueued them, a failure fails the
//   runnable; a runnable returning a promise (the kit's async `before`) is awaited beside its queue.
// - A failing `before all` hook (packages/driver/src/cypress/runner.ts `_runner.on('fail')`, error_messages
//   `uncaught.error_in_hook`; packages/server/lib/reporter.js mergeErr): the first test of the suite is
//   failed with the hook's error plus "Because this error occurred during a `before all` hook ...";
//   the tests never run are `skipped` (reporter.js createRunnable: "skipped by default").
// The kit's files are loaded unchanged; only their ES `import`/`export` lines are turned into CommonJS, as
// Cypress's preprocessor does, and its fixture config.json is replaced by the job's configuration.
"use strict";

const fs = require("fs");
const path = require("path");
const Module = require("module");
const Mocha = require("mocha");
const chai = require("chai");
const cypressRequest = require("@cypress/request");

const [kitRoot, jobs] = [path.resolve(process.argv[2]), JSON.parse(process.argv[3])];
const SPEC = path.join(kitRoot, "cypress", "e2e", "production", "ctk.cy.js");
const SUPPORT = path.join(kitRoot, "cypress", "support", "e2e.js");
const FIXTURE_CONFIG = path.join(kitRoot, "cypress", "fixtures", "config.json");
const NETWORK_ERRORS = "ECONNREFUSED ECONNRESET EPIPE EHOSTUNREACH EAI_AGAIN ENOTFOUND".split(" ");
const RETRY_INTERVALS = [0, 100, 200, 200];
const RESPONSE_TIMEOUT_MS = 30000; // Cypress's default responseTimeout

// The kit requires ajv and yamljs: resolve them from our node_modules.
process.env.NODE_PATH = path.join(__dirname, "..", "..", "..", "node_modules");
Module._initPaths();

let job = null; // the job being run: its config stands in for the fixture
const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  const filename = Module._resolveFilename(request, parent, isMain);
  if (filename === FIXTURE_CONFIG) {
    return JSON.parse(JSON.stringify(job.config));
  }
  if (request === "yamljs") {
    return cachedYaml(originalLoad.call(this, request, parent, isMain));
  }
  if (request === "ajv") {
    return cachedAjv(originalLoad.call(this, request, parent, isMain));
  }
  return originalLoad.call(this, request, parent, isMain);
};
// The kit parses its 8000-line oas.yaml for every schema check: parse each text once, hand out copies.
// The caches live as long as the process: every job loads the kit afresh (and with it these wrappers),
// and the texts and schemas are the same in every job.
const parsedYaml = new Map();
const compiledByAdded = new Map();

function cachedYaml(yaml) {
  const parsed = parsedYaml;
  return {
    ...yaml,
    parse(text) {
      if (!parsed.has(text)) {
        parsed.set(text, yaml.parse(text));
      }
      return structuredClone(parsed.get(text));
    },
  };
}

// ... and compiles it again for every check: compile each (schema added, schema compiled) pair once. The
// kit always adds the same document (its oas.yaml with the discriminators deleted), so the validator is
// the one ajv would compile again.
function cachedAjv(Ajv) {
  const compiled = compiledByAdded;
  return class CachedAjv extends Ajv {
    addSchema(schema, key) {
      this.added = JSON.stringify([schema, key]);
      return compiled.has(this.added) ? this : super.addSchema(schema, key);
    }

    removeSchema(key) {
      return this.added === undefined ? super.removeSchema(key) : this;
    }

    compile(schema, meta) {
      const id = JSON.stringify([schema, meta]); // within the map of the schema added
      if (!compiled.has(this.added)) {
        compiled.set(this.added, new Map());
      }
      const mine = compiled.get(this.added);
      if (!mine.has(id)) {
        mine.set(id, super.compile(schema, meta));
      }
      return mine.get(id);
    }
  };
}

const originalJs = Module._extensions[".js"];
Module._extensions[".js"] = function loadJs(module, filename) {
  if (!filename.startsWith(kitRoot + path.sep)) {
    return originalJs(module, filename);
  }
  const exported = [];
  let source = fs.readFileSync(filename, "utf8");
  source = source.replace(/^import\s+(['"][^'"]+['"]);?/gm, "require($1);");
  source = source.replace(/^export\s+(async\s+)?function\s+(\w+)/gm, (_, async, name) => {
    exported.push(name);
    return `${async || ""}function ${name}`;
  });
  source += exported.map((name) => `\nmodule.exports.${name} = ${name};`).join("");
  module._compile(source, filename);
};

// ---- the command queue ---------------------------------------------------------------------------------
class Queue {
  constructor() {
    this.commands = [];
    this.nested = null;
  }

  enqueue(run, parent = null) {
    const command = { run, parent, subject: undefined, from: null };
    if (this.nested === null) {
      this.commands.push(command);
    } else {
      this.commands.splice(this.nested++, 0, command);
    }
    this.last = command;
    return new Chainer(this, command);
  }

  async drain() {
    for (let i = 0; i < this.commands.length; i++) {
      const command = this.commands[i];
      this.nested = i + 1;
      this.last = null;
      let value = command.run(command.parent ? subjectOf(command.parent) : undefined);
      const last = this.last;
      this.nested = null;
      if (value && typeof value.then === "function" && !(value instanceof Chainer)) {
        value = await value;
      }
      if (value instanceof Chainer) {
        command.from = value.command;
      } else if (value !== undefined) {
        command.subject = value;
      } else if (last) {
        // returning nothing after enqueuing commands yields the last one's subject (cy.ts; docs of .then)
        command.from = last;
      } else if (command.parent) {
        command.subject = subjectOf(command.parent);
      }
    }
  }
}

function subjectOf(command) {
  return command.from ? subjectOf(command.from) : command.subject;
}

class Chainer {
  constructor(queue, command) {
    this.queue = queue;
    this.command = command;
  }

  // `.then(fn)`: a child command given the subject; `await chainer` calls it too (resolve as fn).
  then(fn) {
    return this.queue.enqueue((subject) => fn(subject), this.command);
  }
}

let queue = null;

function cypressRunnable(fn) {
  return function run() {
    queue = new Queue();
    const mine = queue;
    const returned = fn.call(this);
    const drained = mine.drain();
    if (returned && typeof returned.then === "function" && !(returned instanceof Chainer)) {
      return new Promise((resolve, reject) => {
        returned.then(resolve, reject);
        drained.catch(reject);
      });
    }
    return drained;
  };
}

// ---- cy.request ------------------------------------------------------------------------------------------
function join(base, url) {
  return `${base.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}`;
}

function contentTypeIsJson(headers) {
  const type = headers["content-type"];
  return type ? type.split(";", 2)[0].endsWith("json") : undefined;
}

function send(options, attempt) {
  return new Promise((resolve, reject) => {
    cypressRequest(options, (error, response) => (error ? reject(error) : resolve(response)));
  }).catch((error) => {
    if (NETWORK_ERRORS.includes(error.code) && attempt + 1 < RETRY_INTERVALS.length) {
      const delay = RETRY_INTERVALS[attempt + 1];
      return new Promise((resolve) => setTimeout(resolve, delay)).then(() => send(options, attempt + 1));
    }
    throw error;
  });
}

async function request(userOptions) {
  const options = { method: "GET", failOnStatusCode: true, ...userOptions };
  const url = new URL(join(job.config.url, options.url)).href;
  const json = typeof options.body === "object" && options.body !== null;
  const headers = {};
  for (const [name, value] of Object.entries(options.headers || {})) {
    headers[name === "Accept" ? "accept" : name] = value;
  }
  headers.accept = headers.accept || "*/*";
  let response;
  try {
    response = await send(
      {
        method: options.method.toUpperCase(),
        url,
        headers,
        body: options.body,
        json,
        gzip: true,
        encoding: "utf8",
        followRedirect: true,
        followAllRedirects: true,
        strictSSL: false,
        timeout: RESPONSE_TIMEOUT_MS,
      },
      0,
    );
  } catch (error) {
    throw new Error(
      `cy.request() failed trying to load:\n\n${url}\n\nWe attempted to make an http request to this URL ` +
        "but the request failed without a response.\n\nWe received this error at the network level:" +
        `\n\n  > ${error}`,
    );
  }
  let body = response.body;
  if (typeof body === "string" && contentTypeIsJson(response.headers)) {
    try {
      body = JSON.parse(body);
    } catch (error) {
      // left a string, as parseJsonBody does
    }
  }
  const status = response.statusCode;
  if (options.failOnStatusCode && !(status >= 200 && status < 400)) {
    throw new Error(`cy.request() failed on: ${url} (status ${status})`);
  }
  return { status, body, headers: response.headers };
}

// ---- Cypress and cy ---------------------------------------------------------------------------------------
function makeCypress() {
  const env = JSON.parse(fs.readFileSync(path.join(kitRoot, "cypress.env.json"), "utf8"));
  const cy = {
    request: (options) => queue.enqueue(() => request(options)),
    readFile: (file, encoding) => queue.enqueue(() => fs.readFileSync(path.resolve(kitRoot, file), encoding)),
    log: () => queue.enqueue(() => null),
  };
  const Cypress = {
    env(key, value) {
      if (arguments.length === 2) {
        env[key] = value;
        return undefined;
      }
      return env[key];
    },
    Commands: {
      add(name, fn) {
        cy[name] = (...args) => queue.enqueue(() => fn(...args));
      },
    },
  };
  return { cy, Cypress };
}

function runOne() {
  for (const name of Object.keys(require.cache)) {
    if (name.startsWith(kitRoot + path.sep)) {
      delete require.cache[name];
    }
  }
  const { cy, Cypress } = makeCypress();
  Object.assign(global, { cy, Cypress, expect: chai.expect, assert: chai.assert });
  const mocha = new Mocha({ timeout: 60000 });
  mocha.suite.on("pre-require", (context) => {
    for (const name of ["before", "beforeEach", "after", "afterEach"]) {
      const hook = context[name];
      context[name] = (title, fn) =>
        typeof title === "function" ? hook(cypressRunnable(title)) : hook(title, cypressRunnable(fn));
    }
    const it = context.it;
    context.it = (title, fn) => it(title, cypressRunnable(fn));
    context.specify = context.it;
  });
  mocha.suite.emit("pre-require", global, SPEC, mocha);
  require(SUPPORT);
  require(SPEC);
  const states = new Map();
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(states));
    runner.on("pass", (test) => states.set(test, { state: "passed", error: null }));
    runner.on("fail", (runnable, error) => {
      if (runnable.type === "hook") {
        // runner.ts: the hook's failure goes to the test it ran for (the suite's first test for before all)
        const test = runnable.ctx.currentTest;
        const hookName = runnable.title.includes("before all") ? "before all" : runnable.title;
        const title = runnable.parent.title;
        const shown = title.length > 30 ? `${title.slice(0, 27)}...` : title; // lodash _.truncate, length 30
        const where = title
          ? `the remaining tests in the current suite: \`${shown}\``
          : "all of the remaining tests.";
        const message =
          `${error.message}\n\nBecause this error occurred during a \`${hookName}\` hook ` +
          `we are skipping ${where}`;
        states.set(test, { state: "failed", error: message });
      } else {
        states.set(runnable, { state: "failed", error: error.message });
      }
    });
  }).then((states) => {
    const tests = [];
    const walk = (suite, titles) => {
      for (const test of suite.tests) {
        const found = states.get(test) || { state: "skipped", error: null };
        tests.push({ titles: [...titles, test.title], ...found });
      }
      for (const child of suite.suites) {
        walk(child, [...titles, child.title]);
      }
    };
    walk(mocha.suite, []);
    return tests;
  });
}

(async () => {
  for (const next of jobs) {
    job = next;
    const tests = await runOne();
    fs.writeFileSync(job.export, JSON.stringify({ tests }, null, 1));
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
