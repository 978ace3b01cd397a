#!/usr/bin/python3
"""Checks of orbscreen's machine-readable outputs with the clients pipelines use.

  pipeline_check.py schema SCHEMA orbscreen.json [orbscreen.jsonl]
      the document (and each journal line) validates against the JSON Schema
  pipeline_check.py qcschema DIR N
      DIR holds N files, each a valid qcelemental AtomicResult (success) or
      FailedOperation (failure); prints "ok <n results> <n failures>"
  pipeline_check.py energy FILE          return_result of an AtomicResult
  pipeline_check.py atomicinput FILE     an AtomicInput asking for what FILE computed
  pipeline_check.py field FILE KEY...    a value of a JSON document by path
Exit status 0 when the check holds; the reason on stderr otherwise."""
import glob
import json
import os
import sys


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def schema(args):
    import jsonschema
    s = json.load(open(args[0]))
    jsonschema.Draft202012Validator.check_schema(s)
    jsonschema.Draft202012Validator(s).validate(json.load(open(args[1])))
    if len(args) > 2:
        mol = dict(s["$defs"]["molecule"], **{"$defs": s["$defs"]})
        for line in open(args[2]):
            jsonschema.Draft202012Validator(mol).validate(json.loads(line))
    print("ok")


def qcschema(args):
    from qcelemental.models import AtomicResult, FailedOperation
    files = sorted(glob.glob(os.path.join(args[0], "*.json")))
    if len(files) != int(args[1]):
        fail(f"{len(files)} files in {args[0]}, want {args[1]}")
    good = bad = 0
    for f in files:
        d = json.load(open(f))
        if d.get("success") is True:
            r = AtomicResult(**d)
            if r.driver != "energy" or r.return_result != r.properties.return_energy:
                fail(f"{f}: return_result differs from properties.return_energy")
            good += 1
        else:
            FailedOperation(**d)
            bad += 1
    print("ok", good, bad)


def energy(args):
    from qcelemental.models import AtomicResult
    print(repr(AtomicResult(**json.load(open(args[0]))).return_result))


def atomicinput(args):
    from qcelemental.models import AtomicInput
    d = json.load(open(args[0]))
    ai = {k: d[k] for k in ("molecule", "driver", "model", "keywords")}
    ai.update(schema_name="qcschema_input", schema_version=1, id="pipeline-test",
              extras={"requested_by": "pipeline_check.py"})
    AtomicInput(**ai)  # what we send must itself be valid
    print(json.dumps(ai))


def gradient(args):
    """An AtomicResult of driver gradient (qcelemental-valid): the largest
    deviation of return_result (Eh/bohr) from the 'gradient' line of a
    tests/reference/grad .ref file."""
    from qcelemental.models import AtomicResult
    r = AtomicResult(**json.load(open(args[0])))
    if r.driver != "gradient":
        fail(f"{args[0]}: driver {r.driver}, want gradient")
    ref = next(l.split()[1:] for l in open(args[1]) if l.startswith("gradient "))
    got = [x for x in r.return_result.ravel()]
    if len(got) != len(ref):
        fail(f"{len(got)} gradient components, want {len(ref)}")
    print(max(abs(a - float(b)) for a, b in zip(got, ref)))


def set_driver(args):
    d = json.load(open(args[0]))
    d["driver"] = args[1]
    # The energy run's thresholds (Psi4's energy() defaults) are first-order
    # errors in a gradient: leave them to the new driver's defaults.
    for k in ("e_convergence", "d_convergence"):
        d.get("keywords", {}).pop(k, None)
    print(json.dumps(d))


def field(args):
    v = json.load(open(args[0]))
    for k in args[1:]:
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(v if not isinstance(v, (dict, list)) else json.dumps(v))


if __name__ == "__main__":
    cmds = {"schema": schema, "qcschema": qcschema, "energy": energy,
            "atomicinput": atomicinput, "field": field, "gradient": gradient,
            "set_driver": set_driver}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        fail(__doc__)
    try:
        cmds[sys.argv[1]](sys.argv[2:])
    except Exception as e:  # a validation error is the check failing
        fail(f"{type(e).__name__}: {e}")
