// Validates deploy/kubernetes/*.yaml against the Kubernetes object schemas (npm kubernetes-models),
// strictly: a field the schema does not define is an error, as with `kubectl --validate=strict`.
// The compiled validators read every property they know by name, so a Proxy that records the
// reads tells which fields of a manifest no schema looked at. Then the checks issue 6 asks of the
// CronJob, and the cross-references between the files (ConfigMap, Secret, claim, mounts, paths).
// Usage: node validate_k8s.mjs MANIFEST_DIR MAPPING_OUT_DIR   (prints problems, exits 1 on any)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [dir, outDir] = process.argv.slice(2);
if (!dir || !outDir) {
  console.error("usage: node validate_k8s.mjs MANIFEST_DIR MAPPING_OUT_DIR");
  process.exit(2);
}

// Wraps value so that every property read (and key listing) is recorded per JSON path.
function tracked(value, path, reads) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  if (!reads.has(path)) {
    reads.set(path, new Set());
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== "string") {
        return child;
      }
      reads.get(path).add(key);
      return tracked(child, `${path}/${key}`, reads);
    },
    ownKeys(target) {
      // A schema with additionalProperties (labels, data, resources) lists the keys itself.
      for (const key of Reflect.ownKeys(target)) {
        if (typeof key === "string") {
          reads.get(path).add(key);
        }
      }
      return Reflect.ownKeys(target);
    },
  });
}

function unread(value, path, reads, out) {
  if (value === null || typeof value !== "object") {
    return;
  }
  const seen = reads.get(path) ?? new Set();
  for (const key of Object.keys(value)) {
    if (!Array.isArray(value) && !seen.has(key)) {
      out.push(`${path}/${key}`);
    } else {
      unread(value[key], `${path}/${key}`, reads, out);
    }
  }
}

// The model class for an apiVersion/kind, e.g. batch/v1 CronJob -> kubernetes-models/batch/v1/CronJob.
async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

// Schema problems of one object: type/enum/required errors and fields the schema lacks.
async function schemaProblems(object) {
  const Model = await modelFor(object?.apiVersion, object?.kind);
  if (!Model) {
    return [`unknown apiVersion/kind ${object?.apiVersion} ${object?.kind}`];
  }
  const problems = [];
  const reads = new Map();
  try {
    Model.prototype.validate.call(tracked(object, "", reads));
  } catch (error) {
    problems.push(`schema: ${error.message}`);
  }
  const unknown = [];
  unread(object, "", reads, unknown);
  for (const path of unknown) {
    problems.push(`unknown field ${path} (not in the ${object.kind} schema)`);
  }
  return problems;
}

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

// Self-test: the validator must reject a misspelt field and a bad enum value, or it proves nothing.
{
  const base = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "t" },
    spec: {
      schedule: "*/10 * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "i" }] } } } },
    },
  };
  if ((await schemaProblems(base)).length !== 0) {
    fail("self-test", `a minimal CronJob is rejected: ${await schemaProblems(base)}`);
  }
  const typo = structuredClone(base);
  typo.spec.jobTemplate.spec.template.spec.containers[0].securityContxt = {};
  if (!(await schemaProblems(typo)).some((p) => p.includes("securityContxt"))) {
    fail("self-test", "a misspelt field (securityContxt) was not reported");
  }
  const badEnum = structuredClone(base);
  badEnum.spec.concurrencyPolicy = "Never";
  if ((await schemaProblems(badEnum)).length === 0) {
    fail("self-test", "concurrencyPolicy: Never was not reported");
  }
}

const objects = [];
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
if (files.length === 0) {
  fail(dir, "no manifests");
}
for (const file of files) {
  // YAML 1.1 as kubectl reads it (sigs.k8s.io/yaml), duplicate keys rejected.
  const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"), { version: "1.1", uniqueKeys: true });
  for (const [index, doc] of docs.entries()) {
    const where = `${file}#${index + 1}`;
    for (const e of [...doc.errors, ...doc.warnings]) {
      fail(where, `YAML: ${e.message}`);
    }
    const object = doc.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    for (const p of await schemaProblems(object)) {
      fail(where, p);
    }
    objects.push({ where, object });
  }
}

const byKind = (kind) => objects.filter((o) => o.object.kind === kind);
const get = (object, path) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), object);

// What issue 6 asks of the CronJob, and the references from it to the other files.
const cronJobs = byKind("CronJob");
if (cronJobs.length === 0) {
  fail(dir, "no CronJob");
}
for (const { where, object: cj } of cronJobs) {
  const spec = cj.spec ?? {};
  const pod = get(cj, "spec.jobTemplate.spec.template.spec") ?? {};
  const want = (ok, message) => ok || fail(where, message);
  want(spec.concurrencyPolicy === "Forbid", "concurrencyPolicy must be Forbid");
  want(Number.isInteger(spec.startingDeadlineSeconds), "startingDeadlineSeconds must be set");
  want(pod.securityContext?.runAsNonRoot === true, "the pod must set runAsNonRoot: true");
  want(pod.securityContext?.seccompProfile?.type === "RuntimeDefault", "the pod's seccompProfile must be RuntimeDefault");
  want(pod.automountServiceAccountToken === false, "automountServiceAccountToken must be false (no API access needed)");
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  // Init containers too: a report job runs its steps in order as init containers (issue 15).
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const cw = `${where} container ${c.name}`;
    const isSync = (c.args ?? [])[0] === "sync";
    const sc = c.securityContext ?? {};
    const need = (ok, message) => ok || fail(cw, message);
    need(sc.allowPrivilegeEscalation === false, "allowPrivilegeEscalation must be false");
    need(sc.readOnlyRootFilesystem === true, "readOnlyRootFilesystem must be true");
    need(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', "capabilities must drop ALL");
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        need(c.resources?.[kind]?.[resource] !== undefined, `resources.${kind}.${resource} must be set`);
      }
    }
    // Every mount names a volume; every *_FILE variable points at a key of a mounted Secret.
    const mounts = c.volumeMounts ?? [];
    for (const m of mounts) {
      need(volumes.has(m.name), `volumeMount ${m.name} has no volume`);
    }
    const secretEnv = (c.env ?? []).filter((e) => e.name.endsWith("_FILE"));
    need(!isSync || secretEnv.length >= 3, "expected the three secret *_FILE variables");
    for (const e of secretEnv) {
      const mount = mounts.find((m) => e.value?.startsWith(`${m.mountPath}/`));
      const volume = mount && volumes.get(mount.name);
      if (!volume?.secret) {
        fail(cw, `${e.name}=${e.value} is not inside a mounted Secret`);
        continue;
      }
      const key = e.value.slice(mount.mountPath.length + 1);
      const secret = byKind("Secret").find((s) => s.object.metadata?.name === volume.secret.secretName);
      if (!secret) {
        fail(cw, `Secret ${volume.secret.secretName} is not among the manifests`);
      } else if (!(key in (secret.object.stringData ?? secret.object.data ?? {}))) {
        fail(cw, `Secret ${volume.secret.secretName} has no key ${key} for ${e.name}`);
      }
    }
    // The mapping given with -c is a key of the mounted ConfigMap; it must pass `bzjira check`.
    const args = c.args ?? [];
    const mapping = args[args.indexOf("-c") + 1];
    const mount = mounts.find((m) => mapping?.startsWith(`${m.mountPath}/`));
    const volume = mount && volumes.get(mount.name);
    if (!args.includes("-c") || !volume?.configMap) {
      fail(cw, `the mapping (-c ${mapping}) is not inside a mounted ConfigMap`);
    } else {
      const path = mapping.slice(mount.mountPath.length + 1);
      const item = (volume.configMap.items ?? []).find((i) => i.path === path);
      const key = item ? item.key : path;
      const cm = byKind("ConfigMap").find((o) => o.object.metadata?.name === volume.configMap.name);
      const text = cm?.object.data?.[key];
      if (text === undefined) {
        fail(cw, `ConfigMap ${volume.configMap.name} has no key ${key}`);
      } else {
        writeFileSync(join(outDir, key), text);
        console.log(`mapping ${key} written for bzjira check`);
      }
    }
    if (!isSync && !args.includes("--state")) {
      continue;
    }
    const state = args[args.indexOf("--state") + 1];
    const stateMount = mounts.find((m) => state?.startsWith(`${m.mountPath}/`));
    need(stateMount && !stateMount.readOnly, `--state ${state} is not on a writable volume`);
    const claim = stateMount && volumes.get(stateMount.name)?.persistentVolumeClaim?.claimName;
    if (claim && !byKind("PersistentVolumeClaim").some((p) => p.object.metadata?.name === claim)) {
      fail(cw, `PersistentVolumeClaim ${claim} is not among the manifests`);
    }
  }
}

for (const { where, object } of byKind("PersistentVolumeClaim")) {
  if (get(object, "spec.resources.requests.storage") === undefined) {
    fail(where, "spec.resources.requests.storage must be set");
  }
}

// The Secret is a template: placeholders only.
for (const { where, object } of byKind("Secret")) {
  if (object.data) {
    fail(where, "use stringData with placeholders, never base64 data");
  }
  for (const [key, value] of Object.entries(object.stringData ?? {})) {
    if (value !== "" && !/^REPLACE_WITH_[A-Z_]+$/.test(value)) {
      fail(where, `stringData.${key} must be a REPLACE_WITH_... placeholder`);
    }
  }
}

for (const p of problems) {
  console.log(`FAIL: ${p}`);
}
if (problems.length > 0) {
  process.exit(1);
}
console.log(`kubernetes ok: ${objects.length} objects in ${files.length} files valid (strict), self-test ok`);
