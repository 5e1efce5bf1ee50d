// Validates Kubernetes manifests against the Kubernetes OpenAPI schema (kubernetes-models) and
// KEDA's CRD schema (@kubernetes-models/keda). Run through check.sh, which installs them.
//   node check.mjs FILE...
// Per object: the model class by apiVersion/kind (unknown ones fail), its schema validation, then
// a field check the schema itself does not make (it allows any extra property): every key must be
// one the schema reads. Also fails on a parse error and on two objects with one group/kind/name.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import yaml from "js-yaml";

// The API server reads YAML 1.1 booleans (on/off, yes/no, y/n): `proxy-buffering: off` reaches
// it as false, not "off". Read them the same way here, so a string field given one fails. (This
// type replaces js-yaml's own boolean, so it lists true/false too.)
const yaml11Bool = new yaml.Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (s) => /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/.test(s),
  construct: (s) => /^(y|yes|on|true)$/i.test(s),
  predicate: (v) => typeof v === "boolean",
  represent: (v) => (v ? "true" : "false"),
});
const schema = yaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Bool] });

function modulePath(apiVersion) {
  if (typeof apiVersion !== "string" || apiVersion === "") return null;
  if (!apiVersion.includes("/")) return `kubernetes-models/${apiVersion}`; // the core group
  const group = apiVersion.split("/")[0];
  return group === "keda.sh" || group.endsWith(".keda.sh")
    ? `@kubernetes-models/keda/${apiVersion}`
    : `kubernetes-models/${apiVersion}`;
}

async function modelClass(apiVersion, kind) {
  const path = modulePath(apiVersion);
  if (!path) return null;
  let mod;
  try {
    mod = await import(path);
  } catch {
    return null;
  }
  const cls = mod[kind];
  return typeof cls === "function" && cls.apiVersion === apiVersion && cls.kind === kind ? cls : null;
}

// Wraps a document so that every property the validator looks up (present or not) is recorded.
function recorder() {
  const reads = new WeakMap();
  const proxies = new WeakMap();
  const mark = (t, k) => {
    if (typeof k !== "string") return;
    if (!reads.has(t)) reads.set(t, new Set());
    reads.get(t).add(k);
  };
  const wrap = (v) => {
    if (v === null || typeof v !== "object") return v;
    if (!proxies.has(v)) {
      proxies.set(v, new Proxy(v, {
        get(t, k, r) { mark(t, k); return wrap(Reflect.get(t, k, r)); },
        has(t, k) { mark(t, k); return Reflect.has(t, k); },
      }));
    }
    return proxies.get(v);
  };
  return { wrap, reads };
}

// Keys the schema never read. A schema with properties reads each of them, present or not, so an
// object of which it read nothing at all is free-form there (a map or preserved unknown fields)
// and is not judged.
function unknownFields(value, reads, path, out) {
  if (value === null || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, reads, `${path}[${i}]`, out));
    return out;
  }
  const read = reads.get(value);
  if (!read) return out;
  for (const [k, v] of Object.entries(value)) {
    if (!read.has(k)) out.push(`${path}.${k}`);
    else unknownFields(v, reads, `${path}.${k}`, out);
  }
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("check.mjs: no files given");
  process.exit(2);
}
let objects = 0;
let errors = 0;
const fail = (msg) => {
  console.error(`FAIL ${msg}`);
  errors++;
};
const seen = new Map();
for (const file of files) {
  const name = basename(file);
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8"), null, { filename: name, schema });
  } catch (e) {
    fail(`${name}: does not parse: ${e.message.split("\n")[0]}`);
    continue;
  }
  for (const [i, doc] of docs.entries()) {
    if (doc === null || doc === undefined) continue; // an empty document (a trailing ---)
    objects++;
    if (typeof doc !== "object" || Array.isArray(doc)) {
      fail(`${name}: document ${i + 1}: not a Kubernetes object (a mapping with apiVersion and kind)`);
      continue;
    }
    const { apiVersion, kind } = doc;
    const objName = doc.metadata?.name;
    const what = `${apiVersion ?? "(no apiVersion)"} ${kind ?? "(no kind)"}/${objName ?? "(no name)"}`;
    const cls = await modelClass(apiVersion, kind);
    if (!cls) {
      fail(`${name}: ${what}: unknown apiVersion/kind (no schema for it)`);
      continue;
    }
    const problems = [];
    if (typeof objName !== "string" || objName === "") problems.push("metadata.name is missing");
    try {
      new cls(doc).validate();
    } catch (e) {
      problems.push(`schema: ${e.message}`);
    }
    const { wrap, reads } = recorder();
    try {
      cls.prototype.validate.call(wrap(doc));
    } catch {
      // reported above
    }
    for (const f of unknownFields(doc, reads, "", [])) problems.push(`unknown field ${f.slice(1)}`);
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    const key = `${group}/${kind}/${doc.metadata?.namespace ?? ""}/${objName}`;
    if (seen.has(key)) problems.push(`duplicate: ${kind}/${objName} is also in ${seen.get(key)}`);
    else seen.set(key, name);
    if (problems.length === 0) console.log(`ok ${name} ${what}`);
    for (const p of problems) fail(`${name}: ${what}: ${p}`);
  }
}
if (errors) {
  console.log(`k8s-check: FAILED errors=${errors} objects=${objects}`);
  process.exit(1);
}
console.log(`k8s-check: ok objects=${objects}`);
