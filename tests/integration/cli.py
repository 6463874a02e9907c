#!/usr/bin/env python3
"""End-to-end checks of the ccbench command line, driven by ctest.

  cli.py expect  CCBENCH RC REGEX [--no-file PATH] -- ARGS...   exit code and stderr/stdout match
  cli.py smoke   CCBENCH SCHEMA OUTDIR                           smoke suite: complete, passed, schema-valid
  cli.py interrupt CCBENCH SUITE SCHEMA OUTDIR                   SIGINT keeps measured cases, marks interrupted
  cli.py gpu     CCBENCH SCHEMA OUTDIR                           CUDA smoke cases on every GPU; exit 77 without one
  cli.py progress CCBENCH OUTDIR                                 progress line on a terminal, NO_COLOR, plain off one
  cli.py fleet-mpi CCBENCH MPIEXEC SUITE SCHEMA OUTDIR            4 ranks on this host: gather, slow, missing, refusals
  cli.py fleet-recorded CCBENCH NODE.json OUTDIR                  planted outliers in a fleet made from one node
  cli.py slurm CCBENCH SUITE SBATCH OUTDIR                         a single-host Slurm: srun and sbatch; 77 without Slurm
  cli.py hpl-recorded CCBENCH SUITE HPCCDATA OUTDIR                HPL through a stand-in hpcc replaying recorded outputs
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def strict_load(path):
    def no_constants(name):
        raise ValueError(f"{path}: non-finite number {name} in JSON")
    with open(path) as f:
        return json.load(f, parse_constant=no_constants)


def check_schema(doc, schema_path):
    import jsonschema  # Debian's python3-jsonschema, installed by cmake/install-deps.sh
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    if errors:
        fail(f"document does not match {os.path.basename(schema_path)}:\n" + "\n".join(
            f"  {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]))


def cmd_schema_strict(argv):
    """Each schema passes the 2020-12 metaschema and ajv's strict rule that every required
    property is defined beside it (strictRequired)."""
    import jsonschema
    for path in argv:
        with open(path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        undefined = []

        def walk(node, where):
            if isinstance(node, dict):
                for name in node.get("required", []) if isinstance(node.get("required"), list) else []:
                    if name not in node.get("properties", {}):
                        undefined.append(f"{where}: required {name!r} is not defined in properties")
                for k, v in node.items():
                    walk(v, f"{where}/{k}")
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, f"{where}/{i}")

        walk(schema, "#")
        if undefined:
            fail(f"{path} is not strict:\n  " + "\n  ".join(undefined))
    print(f"ok: {len(argv)} schemas are strict")


def cmd_expect(argv):
    exe, rc, regex = argv[0], int(argv[1]), argv[2]
    rest = argv[3:]
    no_file = None
    if rest and rest[0] == "--no-file":
        no_file, rest = rest[1], rest[2:]
    assert rest[0] == "--"
    if no_file and os.path.exists(no_file):
        os.remove(no_file)
    p = subprocess.run([exe] + rest[1:], capture_output=True, text=True, timeout=600)
    out = p.stdout + p.stderr
    if p.returncode != rc:
        fail(f"exit code {p.returncode}, expected {rc}\n{out}")
    if not re.search(regex, out):
        fail(f"output does not match /{regex}/:\n{out}")
    if rc == 2 and len([l for l in p.stderr.splitlines() if l.strip()]) > 2:
        fail(f"bad input should give one clear message, got:\n{p.stderr}")
    if rc == 2 and no_file and os.path.exists(no_file):
        fail(f"{no_file} was written although the command failed")
    print(f"ok: exit {rc}, output matches /{regex}/")


def cmd_smoke(argv):
    exe, schema, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "smoke.json")
    p = subprocess.run([exe, "run", "--suite", "smoke", "--out", out], capture_output=True,
                       text=True, timeout=600)
    if p.returncode != 0:
        fail(f"smoke run exit code {p.returncode}\n{p.stdout}{p.stderr}")
    doc = strict_load(out)
    check_schema(doc, schema)
    if doc["status"] != "complete":
        fail("status is " + doc["status"])
    if len(doc["results"]) != doc["suite"]["cases"]:
        fail(f'{len(doc["results"])} results for {doc["suite"]["cases"]} cases')
    kernels = {r["kernel"] for r in doc["results"]}
    if kernels != {"gemm", "stream", "peak", "conv", "net", "hpl"}:
        fail(f"kernels in smoke results: {kernels}")
    fp64 = doc["ratings"]["per_node"]["fp64"]
    if not (fp64["spec_peak_flops"] > 0 and fp64["sustained_flops"] > 0):
        fail(f"fp64 rating per node: {fp64}")
    # The real hpcc ran HPL: the node's FP64 sustained figure is its Rmax, the GEMM proxy beside it.
    hpl = next(r for r in doc["results"] if r["kernel"] == "hpl")
    cpu_fp64 = next(d for d in fp64["sustained_detail"] if d["device"] == "cpu")
    if hpl["status"] != "passed" or cpu_fp64.get("measure") != "hpl" or "gemm_proxy" not in cpu_fp64 or \
            not os.path.exists(os.path.join(hpl["details"]["output_dir"], "hpccoutf.txt")):
        fail(f"HPL: {hpl['status']} ({hpl.get('reason')}); fp64 sustained on the CPU: {cpu_fp64}")
    cpu = next(d for d in doc["peaks"] if d["device"] == "cpu")
    if not isinstance(cpu["basis"]["fma_units_measured"], (int, float)) or cpu["basis"]["fma_units_source"] != "ISA table":
        fail(f"the peak kernel did not measure the FMA units, or the count is not the ISA table's: {cpu['basis']}")
    # The measured FP64 peak cannot beat the theoretical peak at the clock it measured (5% for
    # timer granularity on a shared machine).
    fp64_peak = next(p for p in cpu["precisions"] if p["precision"] == "fp64")
    if not fp64_peak["measured_flops"] <= 1.05 * fp64_peak["theoretical_sustained_flops"]:
        fail(f"measured FP64 peak above the theoretical peak at the measured clock: {fp64_peak}")
    # One node is no fleet: the interconnect cases are skipped, saying why.
    for r in doc["results"]:
        if r["kernel"] == "net" and (r["status"] != "skipped" or not r["reason"]):
            fail(f"{r['problem_id']} outside a fleet run: {r['status']} ({r['reason']})")
    cuda = doc["system"]["backends"].get("cuda", {})
    if cuda.get("available") is False:
        cuda_results = [r for r in doc["results"] if r["backend"] == "cuda"]
        if not cuda_results:
            fail("the smoke suite's CUDA cases left no results")
        for r in cuda_results:
            if r["status"] != "skipped" or r["reason"] != cuda["reason"] or r["device"] != "cuda:0":
                fail(f'{r["problem_id"]} on cuda without a GPU: {r["status"]} on {r["device"]}: {r.get("reason")}')
    results = []
    for r in doc["results"]:
        # A backend this build or CPU lacks (oneDNN not built, no native BF16) yields skipped or
        # unsupported with a reason; anything else must pass.
        unbuilt = doc["system"]["backends"].get(r["backend"], {}).get("available") is False
        if (r["status"] == "skipped" and unbuilt) or (r["status"] == "unsupported" and r.get("reason")):
            print(f'note: {r["problem_id"]} on {r["backend"]}: {r["status"]}: {r["reason"]}')
            continue
        if r["status"] != "passed":
            fail(f'{r["problem_id"]} on {r["backend"]}: {r["status"]} {r.get("reason", "")}')
        results.append(r)
    for r in results:
        if not r["validation"]["ok"] or r["validation"]["checked"] <= 0:
            fail(f'{r["problem_id"]}: validation block {r["validation"]}')
        if len(r["samples_s"]) != doc["suite"]["repetitions"]:
            fail(f'{r["problem_id"]}: {len(r["samples_s"])} samples')
        if r["rates"]["headline"]["median"] <= 0:
            fail(f'{r["problem_id"]}: no rate')
        if r["kernel"] == "gemm" and r["dtype"] in ("fp64", "fp32") and not r["efficiency"]["vs_measured_peak"] > 0:
            fail(f'{r["problem_id"]}: no efficiency against the measured peak: {r["efficiency"]}')
    if "case" not in p.stdout or "passed" not in p.stdout:
        fail("no summary table on stdout:\n" + p.stdout)
    leftovers = [f for f in os.listdir(outdir) if ".tmp." in f]
    if leftovers:
        fail(f"temporary files left: {leftovers}")
    # The compare bar: a copy of this run with every time doubled fails (decided by separation
    # with the suite's few samples); an identical copy passes.
    doubled = json.loads(json.dumps(doc))
    for r in doubled["results"]:
        r["samples_s"] = [None if t is None else 2 * t for t in r["samples_s"]]
    for name, variant, want in (("identical", doc, 0), ("doubled", doubled, 1)):
        path = os.path.join(outdir, f"smoke-{name}.json")
        with open(path, "w") as f:
            json.dump(variant, f)
        c = subprocess.run([exe, "compare", out, path], capture_output=True, text=True, timeout=60)
        if c.returncode != want:
            fail(f"compare against the {name} copy exited {c.returncode}, expected {want}:\n{c.stdout}{c.stderr}")
        if name == "doubled" and "decided by separation, n=" not in c.stdout:
            fail(f"compare against the doubled copy does not say it decided by separation:\n{c.stdout}")
    print(f'ok: {len(results)} of {len(doc["results"])} results passed, the rest explained; schema-valid; '
          'compare fails a doubled-time copy and passes an identical one')


def cmd_interrupt(argv):
    exe, suite, schema, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "interrupted.json")
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.Popen([exe, "run", "--suite", suite, "--out", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline:  # wait until two cases are on disk, then interrupt
        try:
            if len(strict_load(out)["results"]) >= 2:
                break
        except (OSError, ValueError, KeyError):
            pass
        if p.poll() is not None:
            fail("the run ended before it could be interrupted")
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=300)
    if p.returncode != 130:
        fail(f"exit code {p.returncode}, expected 130\n{stderr}")
    doc = strict_load(out)
    check_schema(doc, schema)
    if doc["status"] != "interrupted":
        fail("status is " + doc["status"])
    results = doc["results"]
    if len(results) != doc["suite"]["cases"]:
        fail(f'{len(results)} results for {doc["suite"]["cases"]} cases: every case needs a Result')
    passed = [r for r in results if r["status"] == "passed"]
    not_run = [r for r in results if r["status"] == "skipped" and "interrupted" in r.get("reason", "")]
    if len(passed) < 2 or not not_run or len(passed) + len(not_run) != len(results):
        fail(f"{len(passed)} passed and {len(not_run)} not run of {len(results)}")
    print(f"ok: {len(passed)} measured cases kept, {len(not_run)} recorded as not run")


def cmd_compare_golden(argv):
    exe, datadir = argv
    with open(os.path.join(datadir, "expected.json")) as f:
        expected = json.load(f)
    for name, want in expected.items():
        base, new = (os.path.join(datadir, f"{name}.{side}.json") for side in ("base", "new"))
        p = subprocess.run([exe, "compare", base, new, "--format", "json"], capture_output=True, text=True, timeout=60)
        if p.returncode != want["exit_code"]:
            fail(f"{name}: exit code {p.returncode}, expected {want['exit_code']}\n{p.stdout}{p.stderr}")
        report = json.loads(p.stdout)
        got = {c["case"]: c["verdict"] for c in report["cases"]}
        if got != want["verdicts"]:
            fail(f"{name}: verdicts {got}, expected {want['verdicts']}")
        for d in want.get("differences", []):
            if not any(x.startswith(d + ":") for x in report["system_differences"]):
                fail(f"{name}: difference {d} not reported: {report['system_differences']}")
        md = subprocess.run([exe, "compare", base, new, "--format", "markdown"], capture_output=True, text=True, timeout=60)
        if md.returncode != want["exit_code"] or "| case | verdict |" not in md.stdout:
            fail(f"{name}: markdown report:\n{md.stdout}{md.stderr}")
        junit = subprocess.run([exe, "compare", base, new, "--format", "junit"], capture_output=True, text=True, timeout=60)
        if junit.stdout.count("<failure") != report["failures"]:
            fail(f"{name}: junit failures do not match:\n{junit.stdout}")
        print(f"ok: {name}: exit {p.returncode}, verdicts {got}")


def cmd_history_concurrency(argv):
    """Two processes add runs to one database at once; every run must be stored, once."""
    import sqlite3
    exe, template, workdir = argv
    os.makedirs(workdir, exist_ok=True)
    db = os.path.join(workdir, "history.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    with open(template) as f:
        doc = json.load(f)
    files = []
    for i in range(24):
        doc["started_at"] = f"2026-11-{1 + i // 2:02d}T{i % 2:02d}:00:00Z"
        doc.setdefault("system", {})["hostname"] = "node01"
        path = os.path.join(workdir, f"run{i}.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        files.append(path)
    procs = [subprocess.Popen([exe, "history", "--db", db, "add"] + files[k::2], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in range(2)]
    # and both again, to prove idempotence under concurrency
    procs += [subprocess.Popen([exe, "history", "--db", db, "add"] + files[k::3], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for k in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0:
            fail(f"writer exit {p.returncode}: {err}")
    con = sqlite3.connect(db)
    if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        fail("integrity_check failed")
    runs = con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    results = con.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    if runs != len(files) or results != 2 * len(files):
        fail(f"{runs} runs and {results} results stored, expected {len(files)} and {2 * len(files)}")
    print(f"ok: {runs} runs from 5 concurrent writers, each stored once, integrity ok")


def cmd_progress(argv):
    """Progress on stderr: rewritten in place and coloured on a terminal, no colour with
    NO_COLOR, plain lines when stderr is not a terminal."""
    import pty
    exe, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    args = [exe, "run", "--suite", "smoke", "--kernel", "stream/triad", "--backend", "openmp",
            "--repetitions", "1", "--out", os.path.join(outdir, "progress.json")]

    def on_tty(env):
        master, slave = pty.openpty()
        p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, env=env)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        p.wait(timeout=120)
        os.close(master)
        if p.returncode != 0:
            fail(f"run on a terminal exited {p.returncode}")
        return b"".join(chunks).decode(errors="replace")

    color = re.compile("\x1b\\[[0-9;]*m")  # SGR: colours and attributes
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    colored = on_tty(env)
    if "\r" not in colored or not color.search(colored):
        fail(f"no in-place, coloured progress on a terminal: {colored!r}")
    plain = on_tty(dict(env, NO_COLOR="1"))
    if color.search(plain) or "\r" not in plain:
        fail(f"NO_COLOR: colour codes on a terminal, or no in-place progress: {plain!r}")
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 0 or "\r" in p.stderr or "\x1b[" in p.stderr or "passed" not in p.stderr:
        fail(f"off a terminal the progress must be plain lines: {p.stderr!r}")
    print("ok: coloured in-place progress on a terminal, none with NO_COLOR, plain lines off a terminal")



def fleet_doc(path):
    doc = strict_load(path)
    if doc.get("schema") != "urn:ccbench:schema:fleet:1":
        fail(f"{path}: not a fleet document")
    return doc


def fleet_verdicts(exe, path, *extra):
    p = subprocess.run([exe, "fleet", path, "--format", "json", *extra], capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout) if p.stdout.strip() else None, p.stderr


# Open MPI as root, on the loopback interface only (every rank is on this host).
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1",
           "OMPI_MCA_oob_tcp_if_include": "lo", "OMPI_MCA_btl_tcp_if_include": "lo"}


def mpirun(mpiexec, args, env_extra=None, timeout=300):
    env = dict(os.environ, **MPI_ENV)
    env.update(env_extra or {})
    start = time.monotonic()
    p = subprocess.run([mpiexec, "--oversubscribe"] + args, capture_output=True, text=True, timeout=timeout, env=env)
    return p, time.monotonic() - start


def cmd_fleet_mpi(argv):
    exe, mpiexec, suite, schema, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    run = [exe, "run", "--suite", suite, "--threads", "1", "--node-name", "node{rank}", "--quiet"]

    # Four ranks: every node measured, gathered into one document of ordinary node documents.
    out = os.path.join(outdir, "fleet.json")
    p, took = mpirun(mpiexec, ["-np", "4"] + run + ["--out", out])
    if p.returncode != 0:
        fail(f"4-rank fleet run: exit {p.returncode}\n{p.stdout}{p.stderr}")
    doc = fleet_doc(out)
    check_schema(doc, os.path.join(os.path.dirname(schema), "fleet.schema.json"))
    if doc["status"] != "complete" or doc["measured_nodes"] != 4 or len(doc["nodes"]) != 4:
        fail(f"expected 4 measured nodes, got status {doc['status']}, {doc['measured_nodes']} measured")
    if [n["node"] for n in doc["nodes"]] != [f"node{r}" for r in range(4)]:
        fail(f"node names: {[n['node'] for n in doc['nodes']]}")
    for n in doc["nodes"]:
        check_schema(n["document"], schema)
        node_hpl = next(r for r in n["document"]["results"] if r["kernel"] == "hpl")
        if not os.path.exists(os.path.join(outdir, "fleet.files", n["node"], "hpl_hpcc_fp64_n640nb64", "hpccoutf.txt")):
            fail(f"{n['node']}: its hpcc output is not beside the fleet document: {node_hpl['details']['output_dir']}")
        if n["document"]["status"] != "complete" or any(r["status"] != "passed" for r in n["document"]["results"]):
            fail(f"{n['node']}: not every case passed")
    nets = [r for n in doc["nodes"] for r in n["document"]["results"] if r["kernel"] == "net"]
    if len(nets) != 12 or any(r["validation"]["method"] not in ("gold-values", "exact-sum") for r in nets):
        fail(f"expected 12 validated interconnect results (3 per node), got {len(nets)}")
    links = [(n["node"], link["from_rank"]) for n in doc["nodes"] for r in n["document"]["results"]
             if r["problem"].get("pattern") == "pairs" for link in r["details"]["links"]]
    if sorted(links) != sorted((f"node{a}", b) for a in range(4) for b in range(4) if a != b):
        fail(f"pairs: expected every link of 4 ranks once in each direction, got {links}")
    # HPL across all four ranks at once: the fleet's Rmax, which rate takes as the measured FP64 figure.
    hpl = doc["fleet_results"]
    if len(hpl) != 1 or hpl[0]["status"] != "passed" or hpl[0]["details"]["ranks"] != 4 or \
            hpl[0]["details"]["grid"] != {"p": 2, "q": 2} or \
            hpl[0]["details"]["output_dir"] != os.path.join(outdir, "fleet.files", "all-nodes", "hpl_hpcc_fp64_n640nb64r4"):
        fail(f"fleet-wide HPL: {[(r['problem_id'], r['status'], r.get('reason')) for r in hpl]}")
    rate = json.loads(subprocess.run([exe, "rate", out, "--json"], capture_output=True, text=True).stdout)
    fp64 = next(b for b in rate["bases"] if b["basis"] == "fp64")
    rmax = hpl[0]["rates"]["headline"]["best"] * 1e9
    if abs(fp64["measured"] - rmax) > 1e-6 * rmax or fp64["sustained_from"][0]["measure"] != "hpl":
        fail(f"rate of the fleet: measured {fp64['measured']}, Rmax {rmax}")
    print(f"ok: 4 ranks in {took:.1f} s, gathered {doc['gather_seconds']:.2f} s after rank 0's own run; "
          f"HPL across them: Rmax {rmax * 1e-9:.1f} GFLOPS")
    print(subprocess.run([exe, "fleet", out], capture_output=True, text=True).stdout)

    # A rank whose times are scaled by 3 (a planted fault) is named slow.
    slow = os.path.join(outdir, "slow.json")
    p, _ = mpirun(mpiexec, ["-np", "4"] + run + ["--out", slow], {"CCBENCH_TEST_FAULT": "slow:2:3"})
    rc, report, err = fleet_verdicts(exe, slow, "--fail-on", "slow")
    node2 = [n for n in report["nodes"] if n["node"] == "node2"][0]
    if rc != 1 or node2["verdict"] != "slow":
        fail(f"planted slow rank: ccbench fleet exit {rc}, node2 {node2}")
    # Called slow only after a second measurement: every slow case of node2 was measured twice
    # (but for the interconnect's, which need every rank and are not measured again alone).
    doc2 = [n for n in fleet_doc(slow)["nodes"] if n["node"] == "node2"][0]["document"]
    twice = {r["problem_id"].split("/", 1)[1] for r in doc2["results"] if any("measured twice" in n for n in r["notes"])}
    slow_cases = [x["case"] for x in report["rows"]
                  if x["node"] == "node2" and x["verdict"] == "slow" and not x["case"].startswith("net/")]
    if not slow_cases or any(not any(c.endswith("/" + t) for t in twice) for c in slow_cases):
        fail(f"slow cases {slow_cases}, measured twice: {sorted(twice)}")
    print(f"ok: the slowed rank is named: {node2['reason']}")

    # A rank that dies after its first case: the others' documents are kept, it is missing, and
    # nothing hangs (--enable-recovery keeps the job alive; the fleet timeout bounds the wait).
    died = os.path.join(outdir, "died.json")
    p, took = mpirun(mpiexec, ["--enable-recovery", "-np", "4"] + run + ["--out", died, "--fleet-timeout", "5"],
                     {"CCBENCH_TEST_FAULT": "exit:1"}, timeout=120)
    doc = fleet_doc(died)
    check_schema(doc, os.path.join(os.path.dirname(schema), "fleet.schema.json"))
    missing = [n for n in doc["nodes"] if n["status"] == "missing"]
    if doc["measured_nodes"] != 3 or [n["node"] for n in missing] != ["node1"] or doc["fleet_results"]:
        fail(f"dead rank: {doc['measured_nodes']} measured, missing {[n['node'] for n in missing]}")
    rc, report, err = fleet_verdicts(exe, died)
    node1 = [n for n in report["nodes"] if n["node"] == "node1"][0]
    if rc != 1 or node1["verdict"] != "defective" or "missing node" not in node1["reason"]:
        fail(f"dead rank: ccbench fleet exit {rc}, node1 {node1}")
    if report["defective_nodes"] != 1:  # the others' exchanges with the dead rank are not held against them
        fail(f"dead rank: {report['defective_nodes']} defective nodes: {report['nodes']}")
    # The interconnect cases that needed the dead rank end as errors after the deadline, and
    # the rest of them are skipped (an exchange failed: later ones could match its messages).
    for n in doc["nodes"]:
        for r in (n["document"] or {}).get("results", []):
            if r["kernel"] == "net" and r["status"] not in ("passed", "error", "skipped"):
                fail(f"{n['node']} {r['problem_id']}: {r['status']} ({r['reason']})")
    print(f"ok: a rank that died is missing ({missing[0]['reason']}); the run ended in {took:.1f} s")

    # Refused before measuring, on every rank: ranks that disagree on the suite, bad input on one
    # rank, two ranks with one node name.
    for name, apps, expected in [
        ("other-suite", [run, run[:3] + ["smoke"] + run[4:]],
         r"rank 1 \(node node1\) runs another suite or ccbench than rank 0"),
        ("bad-input", [run, run[:3] + ["nosuch.json"] + run[4:]],
         r"rank 1 \(node node1\): nosuch.json: cannot read suite file; refused before measuring"),
        ("one-node", [run[:7] + ["same"] + run[8:]] * 2, r"ranks 0 and 1 both run on node same")]:
        target = os.path.join(outdir, name + ".json")
        args = []
        for app in apps:  # one rank per app (mpirun's MPMD form), each with the same --out
            args += ([":"] if args else []) + ["-np", "1"] + app + ["--out", target]
        p, _ = mpirun(mpiexec, args)
        if p.returncode != 2 or not re.search(expected, p.stderr) or os.path.exists(target):
            fail(f"{name}: exit {p.returncode}, expected 2 and /{expected}/ with no file\n{p.stderr}")
        print(f"ok: {name} refused: exit 2")


def cmd_fleet_recorded(argv):
    exe, node_path, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    node = strict_load(node_path)
    for r in node["results"]:
        r["status"], r["reason"] = "passed", ""  # the recorded node's one mistrusted peak
    nodes = []
    for i in range(5):
        d = json.loads(json.dumps(node))
        for r in d["results"]:
            r["samples_s"] = [t * (1 + 0.005 * i) for t in r["samples_s"]]
            if i == 3 and r["problem_id"] == "gemm/fp64/m256n192k128":
                r["samples_s"] = [t * 1.5 for t in r["samples_s"]]  # planted: a third slower
            if i == 1 and r["problem_id"] == "stream/fp64/triad/n1000003":
                r["status"], r["reason"] = "failed", "wrong answer: planted"
        nodes.append({"rank": i, "node": f"cn{i:03d}", "status": "measured", "reason": None, "document": d})
    path = os.path.join(outdir, "planted.json")
    with open(path, "w") as f:
        json.dump({"schema": "urn:ccbench:schema:fleet:1", "schema_version": 1, "status": "complete",
                   "nodes": nodes}, f)
    rc, report, _ = fleet_verdicts(exe, path)
    verdicts = {n["node"]: n["verdict"] for n in report["nodes"]}
    if rc != 1 or verdicts != {"cn000": "ok", "cn001": "defective", "cn002": "ok", "cn003": "slow", "cn004": "ok"}:
        fail(f"planted outliers: exit {rc}, verdicts {verdicts}")
    table = subprocess.run([exe, "fleet", path], capture_output=True, text=True).stdout
    if "cn001: defective (stream/openmp/fp64/triad/n1000003: failed: wrong answer: planted)" not in table or \
            not re.search(r"cn003 +gemm/openblas/fp64/m256n192k128 .* slow", table):
        fail("the table does not name the planted outliers:\n" + table)
    for fmt, head in [("csv", "node,case,value,fleet_median"), ("markdown", "### ccbench fleet: 5 nodes")]:
        text = subprocess.run([exe, "fleet", path, "--format", fmt], capture_output=True, text=True).stdout
        if not text.startswith(head):
            fail(f"--format {fmt} starts with {text[:60]!r}")
    rc_never = subprocess.run([exe, "fleet", path, "--fail-on", "never"], capture_output=True).returncode
    if rc_never != 0:
        fail(f"--fail-on never: exit {rc_never}")

    # Against a baseline per node type: one for this node type that expects twice the GEMM rate
    # (every node falls short), one for another CPU that would fail everything (not applied).
    gemm = next(r for r in node["results"] if r["problem_id"] == "gemm/fp64/m256n192k128")
    rate = gemm["work"]["flops"] / sorted(gemm["samples_s"])[len(gemm["samples_s"]) // 2] * 1e-9
    baselines = []
    for name, cpu, value in [("this-type", node["system"]["cpu"]["model"], 2 * rate), ("other-type", "No Such CPU 9999", 1e9)]:
        b = os.path.join(outdir, name + ".json")
        with open(b, "w") as f:
            json.dump({"system": name, "match": {"cpu_model": cpu}, "references": [
                {"case": "gemm/openblas/fp64/m256n192k128", "value": value, "lower": -0.1, "upper": None, "unit": "GFLOPS"}]}, f)
        baselines += ["--baseline", b]
    rc, report, _ = fleet_verdicts(exe, path, *baselines, "--fail-on", "slow")
    against = [x for x in report["rows"] if "baseline" in x["reason"]]
    if rc != 1 or len(against) != 5 or any("below the baseline this-type.json" not in x["reason"] for x in against):
        fail(f"baselines: exit {rc}, rows against a baseline: {against}")
    print("ok: cn001 defective and cn003 slow, named in every format; every node slow against its type's baseline")


def cmd_hpl_recorded(argv):
    """ccbench run of the HPL case with a stand-in hpcc that replays a recorded output: a real run
    passes, each planted fault fails, a hanging hpcc is ended at the deadline."""
    exe, suite, hpcc_dir, outdir = argv
    os.makedirs(outdir, exist_ok=True)
    env = dict(os.environ, CCBENCH_HPCC=os.path.join(hpcc_dir, "fake-hpcc"), **MPI_ENV)
    for name, rc, status, reason in [
            ("passed.txt", 0, "passed", ""),
            ("failed-residual.txt", 1, "failed", "HPL run 2: scaled residual 23.4817 is not below 16"),
            ("eleven-passed.txt", 1, "failed", "11 passed"),
            ("success-zero.txt", 1, "failed", "Success=0"),
            ("truncated.txt", 1, "failed", "1 HPL runs where 2 were asked for"),
            ("hang", 1, "error", "hpcc did not finish within 20 s and was ended")]:
        out = os.path.join(outdir, name + ".json")
        marker = f"ccbench-hpl-test-{os.getpid()}-{name}"
        env["CCBENCH_TEST_HPCC_OUTPUT"] = os.path.join(hpcc_dir, name) if name != "hang" else marker
        start = time.monotonic()
        p = subprocess.run([exe, "run", "--suite", suite, "--out", out, "--quiet"], capture_output=True, text=True,
                           timeout=120, env=env)
        took = time.monotonic() - start
        r = strict_load(out)["results"][0]
        if p.returncode != rc or r["status"] != status or reason not in (r.get("reason") or ""):
            fail(f"{name}: exit {p.returncode}, {r['status']} ({r.get('reason')}), expected exit {rc}, {status} ({reason})"
                 f"\n{p.stderr}")
        if name == "hang":
            left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
            if left or took > 60:
                fail(f"a hanging hpcc: processes left {left}, the run took {took:.0f} s")
        else:
            kept = os.path.join(r["details"]["output_dir"], "hpccoutf.txt")
            if os.path.dirname(r["details"]["output_dir"]) != out[:-len(".json")] + ".files" or not os.path.exists(kept):
                fail(f"{name}: hpcc's output is not kept beside the result: {r['details']['output_dir']}")
        if name == "passed.txt":
            if len(r["samples_s"]) != 2 or r["validation"]["method"] != "hpl-scaled-residual":
                fail(f"the recorded run: {r['samples_s']}, {r['validation']}")
            rate = r["work"]["flops"] / min(r["samples_s"]) * 1e-9
            if abs(rate - 58.45) > 0.01:  # the recorded best run: 5.845e+01 GFLOPS
                fail(f"the recorded best run is 58.45 GFLOPS, the result says {rate}")
        print(f"ok: {name}: {status} {r.get('reason') or ''}")


SLURM_CONF = """ClusterName=ccbenchtest
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={munge}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
SlurmctldPort={port}
SlurmdPort={port2}
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=ccbench Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE
"""


def cmd_slurm(argv):
    """slurmctld, slurmd and munged started here, in a private directory on loopback ports; the
    README's srun line (two tasks on this one node) and the sbatch file run through them."""
    exe, suite, sbatch_file, outdir = argv
    import shutil
    import socket
    daemons = [shutil.which(x) or (os.path.exists("/usr/sbin/" + x) and "/usr/sbin/" + x) for x in ("slurmctld", "slurmd", "munged")]
    if not all(daemons) or not shutil.which("srun") or os.geteuid() != 0:
        print("skipped: a single-host Slurm needs slurmctld, slurmd, slurm-client and munge installed, and root")
        sys.exit(77)
    d = os.path.abspath(os.path.join(outdir, "slurm"))
    shutil.rmtree(d, ignore_errors=True)
    for sub in ("state", "spool", "munge"):
        os.makedirs(os.path.join(d, sub))
    munge_socket = os.path.join(d, "munge", "munge.socket")
    port = 20000 + os.getpid() % 20000
    with open(os.path.join(d, "slurm.conf"), "w") as f:
        f.write(SLURM_CONF.format(host=socket.gethostname(), munge=munge_socket, d=d, port=port, port2=port + 1,
                                  cpus=os.cpu_count()))
    env = dict(os.environ, SLURM_CONF=os.path.join(d, "slurm.conf"), **MPI_ENV)
    try:
        key = os.path.join(d, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        subprocess.run([daemons[2], "--force", "--key-file", key, "--socket", munge_socket, "--pid-file",
                        os.path.join(d, "munge", "munged.pid"), "--log-file", os.path.join(d, "munge", "munged.log"),
                        "--seed-file", os.path.join(d, "munge", "munged.seed")], check=True, env=env)
        subprocess.run([daemons[0], "-c", "-f", env["SLURM_CONF"]], check=True, env=env)
        subprocess.run([daemons[1], "-f", env["SLURM_CONF"]], check=True, env=env)
        for _ in range(60):
            p = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, env=env)
            if p.stdout.strip() == "idle":
                break
            time.sleep(0.5)
        else:
            fail(f"the single-host Slurm did not come up: sinfo says {p.stdout.strip()!r} {p.stderr.strip()}")

        # srun, as in the README: two tasks (on this one node, so with --node-name).
        out = os.path.join(d, "fleet.json")
        p = subprocess.run(["srun", "-n", "2", "--overcommit", exe, "run", "--suite", suite, "--threads", "1",
                            "--node-name", "node{rank}", "--out", out, "--quiet"],
                           capture_output=True, text=True, env=env, timeout=300)
        if p.returncode != 0:
            fail(f"srun: exit {p.returncode}\n{p.stdout}{p.stderr}")
        doc = fleet_doc(out)
        if doc["measured_nodes"] != 2 or any(n["status"] != "measured" for n in doc["nodes"]):
            fail(f"srun fleet: {doc['measured_nodes']} nodes measured")
        print("ok: srun -n 2: a fleet of 2 measured nodes")

        # The sbatch file, one node: its result lands in the submit directory.
        p = subprocess.run(["sbatch", "--wait", "--nodes=1", "--time=10", sbatch_file], cwd=d, capture_output=True,
                           text=True, env=dict(env, CCBENCH=exe, SUITE=suite), timeout=300)
        job = re.search(r"Submitted batch job (\d+)", p.stdout)
        if p.returncode != 0 or not job:
            log = open(os.path.join(d, f"ccbench-{job.group(1)}.log")).read() if job else ""
            fail(f"sbatch: exit {p.returncode}\n{p.stdout}{p.stderr}{log}")
        result = strict_load(os.path.join(d, f"fleet-{job.group(1)}.json"))
        if result["status"] != "complete":
            fail(f"sbatch: the result says {result['status']}")
        print(f"ok: sbatch {os.path.basename(sbatch_file)}: job {job.group(1)} wrote fleet-{job.group(1)}.json")
    finally:
        # Every daemon of this directory ends: asked first, then terminated, then killed.
        subprocess.run(["scontrol", "shutdown"], capture_output=True, env=env, timeout=30)
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            left = subprocess.run(["pgrep", "-f", d], capture_output=True, text=True).stdout.split()
            if not left:
                break
            for pid in left:
                try:
                    if sig:
                        os.kill(int(pid), sig)
                except OSError:
                    pass
            time.sleep(2)


def cmd_gpu(argv):
    exe, schema, outdir = argv
    info = json.loads(subprocess.run([exe, "sysinfo"], capture_output=True, text=True, check=True).stdout)
    cuda = info["backends"].get("cuda", {})
    if cuda.get("available") is False:
        print("skipped: " + cuda.get("reason", "no CUDA backend"))
        sys.exit(77)
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "gpu.json")
    p = subprocess.run([exe, "run", "--suite", "smoke", "--backend", "cuda", "--out", out], capture_output=True,
                       text=True, timeout=900)
    doc = strict_load(out)
    check_schema(doc, schema)
    if p.returncode != 0:
        fail(f"GPU smoke run exit code {p.returncode}\n{p.stdout}{p.stderr}")
    devices = {a["device"] for a in doc["system"]["accelerators"]}
    if not devices:
        fail("no accelerators in the system section")
    passed = 0
    for r in doc["results"]:
        if r["device"] not in devices:
            fail(f'{r["problem_id"]}: device {r["device"]} not in {devices}')
        if r["status"] == "unsupported" and r.get("reason"):
            print(f'note: {r["problem_id"]} on {r["device"]}: unsupported: {r["reason"]}')
            continue
        if r["status"] != "passed" or not r["validation"]["ok"]:
            fail(f'{r["problem_id"]} on {r["device"]}: {r["status"]} {r.get("reason", "")}')
        if not r.get("implementation"):
            fail(f'{r["problem_id"]}: no implementation recorded')
        passed += 1
        print(f'{r["device"]} {r["problem_id"]}: {r["rates"]["headline"]["median"]:.4g} {r["rates"]["headline"]["unit"]}'
              f' ({r["implementation"]})')
    print(f"ok: {passed} CUDA results passed on {sorted(devices)}")


def cmd_sign(argv):
    """ccbench and Debian's minisign verify each other's signatures; every planted change fails."""
    exe, result, workdir = argv
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    minisign = shutil.which("minisign")
    if not minisign:
        fail("minisign is not installed (cmake/install-deps.sh installs it)")

    def run(args, want, needle=None, tool=exe):
        p = subprocess.run([tool] + args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        if (p.returncode not in want if isinstance(want, tuple) else p.returncode != want) or \
                (needle and needle not in p.stdout + p.stderr):
            fail(f"{os.path.basename(tool)} {' '.join(args)}: exit {p.returncode}, expected {want}"
                 f"{' and ' + repr(needle) if needle else ''}:\n{p.stdout}{p.stderr}")
        return p.stdout + p.stderr

    w = lambda name: os.path.join(workdir, name)
    signed = w("result.json")
    shutil.copy(result, signed)
    key, pub = w("ccbench.key"), w("ccbench.pub")
    run(["keygen", "--key", key, "--pubkey", pub], 0)
    run(["keygen", "--key", key, "--pubkey", pub], 2, "does not overwrite")
    if os.stat(key).st_mode & 0o077:
        fail("the secret key is readable by others")
    run(["sign", signed, "--key", key], 0, "trusted comment: ccbench ")
    out = run(["-Vm", signed, "-p", pub], 0, "Trusted comment: ccbench ", tool=minisign)
    run_id = json.load(open(signed)).get("run_id")
    if run_id and f"run_id={run_id}" not in out:
        fail(f"the trusted comment does not name the run id {run_id}: {out}")
    run(["verify", signed, "--pubkey", pub], 0, "verified")

    # minisign's keys and signatures, read by ccbench.
    mkey, mpub = w("minisign.key"), w("minisign.pub")
    run(["-G", "-W", "-p", mpub, "-s", mkey], 0, tool=minisign)
    other = w("other.json")
    shutil.copy(result, other)
    run(["-Sm", other, "-s", mkey, "-t", "signed by minisign"], 0, tool=minisign)
    run(["verify", other, "--pubkey", mpub], 0, "signed by minisign")
    run(["sign", other, "--key", mkey, "--out", w("other.ccbench.minisig")], 0)
    run(["-Vm", other, "-p", mpub, "-x", w("other.ccbench.minisig")], 0, tool=minisign)

    sig = open(signed + ".minisig").read().split("\n")

    def variant(name, data=None, lines=None):
        """A copy of the signed file (or its signature) with one change."""
        f = w(name)
        with open(f, "wb") as out_file:
            out_file.write(data if data is not None else open(signed, "rb").read())
        with open(f + ".minisig", "w") as s_file:
            s_file.write("\n".join(lines if lines is not None else sig))
        return f

    data = open(signed, "rb").read()
    i = data.index(b'"samples_s"')
    while not chr(data[i]).isdigit():  # the first digit of a sample, well inside the file
        i += 1
    edited = data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]
    flip = lambda line, at: line[:at] + ("A" if line[at] != "A" else "B") + line[at + 1:]
    cases = [
        ("edited-result.json", dict(data=edited), 1, "does not match the file"),
        ("edited-signature.json", dict(lines=[sig[0], flip(sig[1], 40)] + sig[2:]), 1, "does not match"),
        ("edited-comment.json", dict(lines=sig[:2] + [sig[2] + "x"] + sig[3:]), 1, "trusted comment"),
        ("edited-global.json", dict(lines=sig[:3] + [flip(sig[3], 20)] + sig[4:]), 1, "trusted comment"),
        ("truncated.json", dict(lines=sig[:2]), 2, "not a minisign signature"),
    ]
    for name, change, want, needle in cases:
        f = variant(name, **change)
        run(["verify", f, "--pubkey", pub], want, needle)
        run(["-Vm", f, "-p", pub], (1, 2), tool=minisign)  # minisign agrees that it fails
    # A signature of another file, and another signer's key.
    run(["verify", signed, "--pubkey", pub, "--sig", other + ".minisig"], 1)
    run(["verify", signed, "--pubkey", mpub], 1, "not with this public key")
    # Unusable input: exit 2, naming the file.
    run(["verify", signed, "--pubkey", w("missing.pub")], 2, "missing.pub: cannot read")
    run(["sign", signed, "--key", pub], 2, "this is a public key")
    run(["verify", signed, "--pubkey", key], 2, "this is a secret key")
    run(["sign", signed, "--key", signed], 2, "not a minisign secret key")
    run(["sign", w("missing.json"), "--key", key], 2, "missing.json: cannot read")
    print("ok: ccbench and minisign verify each other; every edited byte and comment fails")


def cmd_validate(argv):
    """ccbench validate passes a real run and finds every planted edit; unusable files are exit 2."""
    exe, fleet_file, gbench_file, workdir = argv
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    real = os.path.join(workdir, "real.json")
    p = subprocess.run([exe, "run", "--suite", "smoke", "--quiet", "--out", real], capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        fail(f"smoke run: exit {p.returncode}\n{p.stderr}")

    def validate(path, want, needle=None):
        c = subprocess.run([exe, "validate", path], capture_output=True, text=True, timeout=120)
        if c.returncode != want or (needle and needle not in c.stdout + c.stderr):
            fail(f"validate {os.path.basename(path)}: exit {c.returncode}, expected {want}"
                 f"{' with ' + repr(needle) if needle else ''}:\n{c.stdout}{c.stderr}")
        return c.stdout

    validate(real, 0, "valid")
    doc = json.load(open(real))
    gemm = next(i for i, r in enumerate(doc["results"]) if r["kernel"] == "gemm" and r["status"] == "passed"
                and r["dtype"] == "fp64" and r["device"] == "cpu")

    def edited(name, change, needle):
        d = json.loads(json.dumps(doc))
        change(d, d["results"][gemm])
        path = os.path.join(workdir, name + ".json")
        with open(path, "w") as f:
            json.dump(d, f, indent=1)
        out = validate(path, 1, needle)
        print(f"{name}: {out.strip().splitlines()[0]}")

    def scale(key, factor):
        return lambda d, r: r["rates"]["headline"].__setitem__(key, r["rates"]["headline"][key] * factor)

    def faster(d, r):  # every sample 1000 times shorter, stats and rates made to agree: only the ceiling is left
        r["samples_s"] = [t / 1000 for t in r["samples_s"]]
        for k in ("min", "median", "mean", "stddev"):
            r["stats_s"][k] /= 1000
        for k in ("median", "best", "mean"):
            r["rates"]["headline"][k] *= 1000

    at = f"$.results[{gemm}]"
    edited("rate-plus-1pct", scale("median", 1.01), f"{at}.rates.headline.median")
    edited("best-minus-1pct", scale("best", 0.99), f"{at}.rates.headline.best")
    edited("sample", lambda d, r: r["samples_s"].__setitem__(0, r["samples_s"][0] * 0.99), f"{at}.stats_s")
    edited("work", lambda d, r: r["work"].__setitem__("flops", r["work"]["flops"] * 2), f"{at}.work.flops")
    edited("validation", lambda d, r: r["validation"].__setitem__("ok", False), f"{at}.status")
    edited("interrupted", lambda d, r: d.__setitem__("status", "interrupted"), "$.status")
    edited("above-ceiling", faster, "mistrusted")
    edited("rating", lambda d, r: d["ratings"]["per_node"]["fp64"].__setitem__(
        "sustained_flops", d["ratings"]["per_node"]["fp64"]["sustained_flops"] * 1.01), "$.ratings.per_node.fp64.sustained_flops")
    edited("schema", lambda d, r: r.__setitem__("status", "great"), f"{at}")

    validate(fleet_file, 2, "a fleet document")
    validate(gbench_file, 2, "a Google Benchmark file")
    validate(os.path.join(workdir, "missing.json"), 2, "missing.json")
    bad = os.path.join(workdir, "malformed.json")
    with open(bad, "w") as f:
        f.write(open(real).read()[:-200])
    validate(bad, 2, "malformed.json")
    print("ok: the real run is valid; every planted edit is found")


if __name__ == "__main__":
    {"expect": cmd_expect, "smoke": cmd_smoke, "interrupt": cmd_interrupt, "hpl-recorded": cmd_hpl_recorded,
     "compare-golden": cmd_compare_golden, "history-concurrency": cmd_history_concurrency,
     "gpu": cmd_gpu, "progress": cmd_progress,
     "fleet-mpi": cmd_fleet_mpi, "fleet-recorded": cmd_fleet_recorded, "slurm": cmd_slurm,
     "sign": cmd_sign, "schema-strict": cmd_schema_strict, "validate": cmd_validate}[sys.argv[1]](sys.argv[2:])
