#!/usr/bin/env python3
"""An independent OSV matcher for the end-to-end tests: reads the OSV zip with
Python's zipfile, evaluates ranges with `dpkg --compare-versions` (Debian) or
`apk version -t` in a chroot (Alpine) or the `packaging` library's PEP 440
ordering (PyPI, names compared PEP 503-normalised), and prints `binary<TAB>id` for every
affected (package, vulnerability) pair. Shares no code with customs.

usage: osv_independent.py OSV_DIR ECOSYSTEM [ALPINE_ROOT] < packages.tsv
packages.tsv: binary<TAB>source<TAB>version[<TAB>source version]
Distribution advisories name source packages, so the source package's version
(dpkg's `Source: name (version)`) is what is compared when one is given.
"""
import functools, json, re, subprocess, sys, zipfile

osv_dir, ecosystem = sys.argv[1], sys.argv[2]
alpine_root = sys.argv[3] if len(sys.argv) > 3 else None
folder = ecosystem.split(':')[0]

@functools.lru_cache(maxsize=None)
def cmp(a, b):
    if a == b:
        return 0
    if a == '0':
        return -1
    if b == '0':
        return 1
    if folder == 'PyPI':
        from packaging.version import InvalidVersion, Version
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            return None
        return (va > vb) - (va < vb)
    if folder == 'Alpine':
        out = subprocess.run(['chroot', alpine_root, '/sbin/apk', 'version', '-t', a, b], capture_output=True, text=True).stdout.strip()
        return {'<': -1, '=': 0, '>': 1}[out]
    if subprocess.run(['dpkg', '--compare-versions', a, 'lt', b]).returncode == 0:
        return -1
    return 0 if subprocess.run(['dpkg', '--compare-versions', a, 'eq', b]).returncode == 0 else 1

def norm(name):
    return re.sub(r'[-_.]+', '-', name).lower() if folder == 'PyPI' else name

def affected_by_range(v, events):
    # OSV spec evaluation: events in version order; introduced opens, fixed / last_affected close.
    # Events whose version the scheme cannot order are left out, as the spec's tools do.
    evs = [e for e in events if 'limit' not in e and (next(iter(e.values())) == '0' or cmp(next(iter(e.values())), next(iter(e.values()))) is not None)]
    key = lambda e: next(iter(e.values()))
    evs.sort(key=functools.cmp_to_key(lambda x, y: cmp(key(x), key(y))))
    status = False
    for e in evs:
        if 'introduced' in e and cmp(v, e['introduced']) >= 0:
            status = True
        elif 'fixed' in e and cmp(v, e['fixed']) >= 0:
            status = False
        elif 'last_affected' in e and cmp(v, e['last_affected']) > 0:
            status = False
    return status

pkgs = [l.rstrip('\n').split('\t') for l in sys.stdin if l.strip()]
by_source = {}
for binary, source, version, *src_version in pkgs:
    by_source.setdefault(norm(source), []).append((binary, src_version[0] if src_version and src_version[0] else version))

pairs = set()
with zipfile.ZipFile(f'{osv_dir}/{folder}/all.zip') as z:
    for name in z.namelist():
        rec = json.loads(z.read(name))
        if rec.get('withdrawn'):
            continue
        ids = [rec['id']] + rec.get('aliases', []) + rec.get('upstream', [])
        cves = [i for i in ids if re.match(r'^CVE-\d{4}-\d{4,}$', i)]
        vid = cves[0] if cves else rec['id']
        for a in rec.get('affected', []):
            p = a.get('package', {})
            if p.get('ecosystem') != ecosystem or norm(p.get('name', '')) not in by_source:
                continue
            for binary, version in by_source[norm(p['name'])]:
                if folder == 'PyPI' and cmp(version, version) is None:
                    continue  # not a PEP 440 version: nothing can be said about it
                hit = version in a.get('versions', []) or (folder == 'PyPI' and any(cmp(x, version) == 0 for x in a.get('versions', [])))
                for r in a.get('ranges', []):
                    if r.get('type') in ('ECOSYSTEM', 'SEMVER') and affected_by_range(version, r.get('events', [])):
                        hit = True
                if hit:
                    pairs.add((binary, vid))
for b, v in sorted(pairs):
    print(f'{b}\t{v}')
