#!/usr/bin/env python3
"""Check the CSV files of Data/ against the loader's contract (see Data/README.md).

Checks: exact headers; RFC 4180 form (UTF-8 without BOM, LF endings, final newline,
quoting only where needed: each file must equal its own re-serialisation); ids are
lowercase ASCII slugs, unique across all node files; every ref resolves; enums, ints,
decimals, booleans, dates, and country codes are valid; twinnings list no pair twice
(in either order) and no city with itself; a trip carries its cost on one row at most;
folded names and aliases are unique across node types, and the lookups the language
contract relies on resolve; no '@' anywhere in Data/; no personal name from the seeds
in Data/ (when the seeds are available: $RESEAU_SEEDS or /work/shared/seeds).

Usage: python3 scripts/geonames/check_data.py   (exit status 1 on any error)
"""
import csv
import datetime
import io
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Data")
SEEDS = os.environ.get("RESEAU_SEEDS", "/work/shared/seeds")

# column -> type. Types: id, str, int, dec, dec! (required), bool, date, list, enum:<name>, ref:<node>, ref?:<node> (optional), country
SCHEMA = {
    "cities.csv": [("id", "id"), ("name", "str"), ("country_code", "country"), ("lat", "dec"), ("lon", "dec"),
                   ("population", "int"), ("michelin", "bool"), ("aliases", "list"), ("geonames_id", "int"), ("source", "src")],
    "countries.csv": [("code", "code"), ("name", "str"), ("name_fr", "str"), ("continent", "enum:continent"), ("source", "src")],
    "orgs.csv": [("id", "id"), ("name", "str"), ("kind", "enum:org_kind"), ("city", "ref?:city"), ("aliases", "list"), ("source", "src")],
    "projects.csv": [("id", "id"), ("name", "str"), ("kind", "enum:project_kind"), ("theme", "str?"), ("start", "date"), ("end", "date"),
                     ("status", "enum:status"), ("signed", "int"), ("aliases", "list"), ("source", "src")],
    "events.csv": [("id", "id"), ("name", "str"), ("kind", "enum:event_kind"), ("theme", "str?"), ("start", "date"), ("end", "date"),
                   ("status", "enum:event_status"), ("mode", "enum:mode"), ("city", "ref?:city"), ("part_of", "ref?:event"),
                   ("participants", "int"), ("cities_count", "int"), ("countries_count", "int"), ("aliases", "list"), ("source", "src")],
    "claims.csv": [("subject", "ref:any"), ("field", "field"), ("value", "str"), ("note", "str?"), ("source", "src")],
    "schedules.csv": [("event", "ref:event"), ("step", "int!"), ("start", "date"), ("end", "date"), ("outcome", "enum:outcome"),
                      ("reason", "str?"), ("note", "str?"), ("source", "src")],
    "twinnings.csv": [("from", "ref:city"), ("to", "ref:city"), ("since", "int"), ("kind", "enum:twin_kind"), ("source", "src")],
    "memberships.csv": [("city", "ref:city"), ("org", "ref:org"), ("since", "int"), ("source", "src")],
    "partnerships.csv": [("city", "ref:city"), ("project", "ref:project"), ("role", "enum:role"), ("source", "src")],
    "fundings.csv": [("org", "ref:org"), ("project", "ref:project"), ("amount", "dec!"), ("year", "int"), ("note", "str?"), ("source", "src")],
    "hostings.csv": [("city", "ref:city"), ("event", "ref:event"), ("source", "src")],
    "attendances.csv": [("city", "ref:city"), ("event", "ref:event"), ("source", "src")],
    "visits.csv": [("from", "ref:city"), ("to", "ref:city"), ("trip", "slug"), ("purpose", "str"), ("start", "date"), ("end", "date"),
                   ("cost", "dec"), ("note", "str?"), ("source", "src")],
    "candidacies.csv": [("city", "ref:city"), ("event", "ref:event"), ("result", "enum:result"), ("decision", "str?"), ("decided", "date"),
                        ("source", "src")],
    "adoptions.csv": [("event", "ref:event"), ("project", "ref:project"), ("outcome", "enum:adoption"), ("note", "str?"), ("source", "src")],
}
NODE_FILES = {"city": "cities.csv", "org": "orgs.csv", "project": "projects.csv", "event": "events.csv"}
ENUMS = {
    "continent": {"Africa", "Asia", "Europe", "North America", "South America", "Oceania"},
    "org_kind": {"network", "municipality", "company", "university", "school", "association", "ministry", "public_agency",
                 "eu_institution", "cluster", "group"},
    "project_kind": {"cooperation", "programme", "festival", "residency", "contest", "camp", "network", "subsidy", "governance"},
    "status": {"ongoing", "completed", "planned", "cancelled", "unknown"},
    "event_kind": {"rencontres", "general_assembly", "conference", "lab", "meeting", "festival", "camp", "vote", "other"},
    "event_status": {"completed", "planned", "cancelled", "unknown"},
    "mode": {"in_person", "online", "hybrid", "unknown"},
    "outcome": {"moved", "held", "cancelled", "planned"},
    "result": {"chosen", "not_chosen", "pending", "unknown"},
    "adoption": {"adopted", "signed", "decided", "prepared"},
    "twin_kind": {"twinning", "solidarity", "partnership"},
    "role": {"lead", "partner", "host", "participant"},
}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
INT = re.compile(r"^-?[0-9]+$")
DEC = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
DATE = re.compile(r"^([0-9]{4})(-([0-9]{2})(-([0-9]{2}))?)?$")
SEED_REF = re.compile(r"^00[0-4]_[0-9a-f]{16}\.txt:[0-9]+(-[0-9]+)?")

errors = []


def err(msg):
    errors.append(msg)


def fold(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for a, b in (("ł", "l"), ("ø", "o"), ("ß", "ss"), ("-", " "), ("'", " "), ("’", " "), (".", " ")):
        text = text.replace(a, b)
    return " ".join(text.split())


def read(name):
    path = os.path.join(DATA, name)
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        err(f"{name}: starts with a BOM")
    if b"\r" in raw:
        err(f"{name}: contains CR characters (LF line endings only)")
    if not raw.endswith(b"\n"):
        err(f"{name}: no final newline")
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    if buf.getvalue() != text:
        err(f"{name}: not in canonical RFC 4180 form (quote only fields with comma, quote or newline)")
    header, body = rows[0], rows[1:]
    expected = [c for c, _ in SCHEMA[name]]
    if header != expected:
        err(f"{name}: header {header} != {expected}")
    out = []
    for i, r in enumerate(body, start=2):
        if len(r) != len(header):
            err(f"{name}:{i}: {len(r)} fields, expected {len(header)}")
            continue
        out.append(dict(zip(header, r)))
    return out


def valid_date(v):
    m = DATE.match(v)
    if not m:
        return False
    y, mo, d = int(m.group(1)), m.group(3), m.group(5)
    try:
        datetime.date(y, int(mo) if mo else 1, int(d) if d else 1)
    except ValueError:
        return False
    return True


def main():
    tables = {name: read(name) for name in SCHEMA}
    countries = {r["code"] for r in tables["countries.csv"]}
    ids = {}  # id -> node type
    for ntype, fname in NODE_FILES.items():
        for r in tables[fname]:
            if r["id"] in ids:
                err(f"{fname}: id {r['id']!r} already used by a {ids[r['id']]} node")
            ids[r["id"]] = ntype

    for name, rows in tables.items():
        for i, r in enumerate(rows, start=2):
            where = f"{name}:{i}"
            for col, typ in SCHEMA[name]:
                v = r[col]
                if typ in ("id", "slug"):
                    if not SLUG.match(v):
                        err(f"{where}: {col} {v!r} is not a lowercase ASCII slug")
                elif typ == "code":
                    if not re.match(r"^[A-Z]{2}$", v):
                        err(f"{where}: code {v!r}")
                elif typ == "str":
                    if not v.strip():
                        err(f"{where}: {col} is empty")
                elif typ == "field":
                    if not re.match(r"^[a-z_]+$", v):
                        err(f"{where}: field {v!r}")
                elif typ == "src":
                    if not v.strip():
                        err(f"{where}: empty source")
                    for part in v.split("; "):
                        if part[:4] in ("000_", "001_", "002_", "003_", "004_") and not SEED_REF.match(part):
                            err(f"{where}: malformed seed reference {part!r}")
                elif typ in ("int", "int!"):
                    if typ == "int!" and not v:
                        err(f"{where}: {col} is required")
                    elif v and not INT.match(v):
                        err(f"{where}: {col} {v!r} is not an integer")
                elif typ in ("dec", "dec!"):
                    if typ == "dec!" and not v:
                        err(f"{where}: {col} is required")
                    elif v and not DEC.match(v):
                        err(f"{where}: {col} {v!r} is not a decimal")
                elif typ == "bool":
                    if v not in ("true", "false"):
                        err(f"{where}: {col} {v!r} is not true/false")
                elif typ == "date":
                    if v and not valid_date(v):
                        err(f"{where}: {col} {v!r} is not YYYY[-MM[-DD]]")
                elif typ == "list":
                    items = v.split(";") if v else []
                    if any(not x.strip() or x != x.strip() for x in items):
                        err(f"{where}: {col} {v!r} has an empty or padded item")
                elif typ == "country":
                    if v not in countries:
                        err(f"{where}: country_code {v!r} not in countries.csv")
                elif typ.startswith("enum:"):
                    if v not in ENUMS[typ[5:]]:
                        err(f"{where}: {col} {v!r} not in {sorted(ENUMS[typ[5:]])}")
                elif typ.startswith("ref"):
                    optional = typ.startswith("ref?")
                    target = typ.split(":")[1]
                    if not v:
                        if not optional:
                            err(f"{where}: {col} is empty")
                    elif v not in ids:
                        err(f"{where}: {col} {v!r} resolves to no node")
                    elif target != "any" and ids[v] != target:
                        err(f"{where}: {col} {v!r} is a {ids[v]}, expected a {target}")
            if "start" in r and "end" in r and r["start"] and r["end"] and r["end"] < r["start"][: len(r["end"])]:
                err(f"{where}: end {r['end']} before start {r['start']}")

    # twinnings: no self pair, no pair twice in either order
    seen = set()
    for i, r in enumerate(tables["twinnings.csv"], start=2):
        pair = frozenset((r["from"], r["to"]))
        if r["from"] == r["to"]:
            err(f"twinnings.csv:{i}: city twinned with itself")
        if pair in seen:
            err(f"twinnings.csv:{i}: pair {r['from']}-{r['to']} listed twice")
        seen.add(pair)

    # edges listed twice
    for name, cols in (("memberships.csv", ("city", "org")), ("partnerships.csv", ("city", "project")),
                       ("hostings.csv", ("city", "event")), ("attendances.csv", ("city", "event"))):
        keys = [tuple(r[c] for c in cols) for r in tables[name]]
        for k in set(keys):
            if keys.count(k) > 1:
                err(f"{name}: {k} listed {keys.count(k)} times")

    for name, cols in (("candidacies.csv", ("city", "event")), ("adoptions.csv", ("event", "project"))):
        keys = [tuple(r[c] for c in cols) for r in tables[name]]
        for k in set(keys):
            if keys.count(k) > 1:
                err(f"{name}: {k} listed {keys.count(k)} times")

    check_events(tables)

    # a trip's cost on one row at most; one origin per trip
    trips = {}
    for r in tables["visits.csv"]:
        trips.setdefault(r["trip"], []).append(r)
    for trip, legs in trips.items():
        if sum(1 for r in legs if r["cost"]) > 1:
            err(f"visits.csv: trip {trip} carries a cost on {sum(1 for r in legs if r['cost'])} rows")

    # folded names and aliases: unique across node types (a `path "X"` must not be ambiguous)
    names = {}
    for ntype, fname in NODE_FILES.items():
        for r in tables[fname]:
            for n in [r["name"]] + [a for a in r["aliases"].split(";") if a]:
                names.setdefault(fold(n), set()).add((ntype, r["id"]))
    for n, owners in names.items():
        if len(owners) > 1:
            err(f"name {n!r} matches several nodes: {sorted(owners)}")

    # lookups the language contract relies on
    def lookup(ntype, text):
        return sorted(i for t, i in names.get(fold(text), set()) if t == ntype)
    for ntype, text, want in (("city", "Golem", "gomel"), ("city", "Phra Pradaeng", "phra-pradaeng"),
                              ("city", "queretaro", "santiago-de-queretaro"), ("city", "Clermont-Ferrand", "clermont-ferrand"),
                              ("city", "Oyem", "oyem"), ("city", "Maebashi", "maebashi"),
                              ("org", "RIVM", "rivm"), ("org", "Michelin", "michelin")):
        if lookup(ntype, text) != [want]:
            err(f'{ntype} "{text}" resolves to {lookup(ntype, text)}, expected [{want!r}]')

    # no e-mail address anywhere in Data/
    for fname in sorted(os.listdir(DATA)):
        path = os.path.join(DATA, fname)
        if os.path.isfile(path) and "@" in open(path, encoding="utf-8").read():
            err(f"{fname}: contains '@'")

    # no personal name from the seeds
    for fname, name in personal_names_hits():
        err(f"{fname}: contains the personal name {name!r}")

    counts = {name: len(rows) for name, rows in tables.items()}
    return counts


def check_events(tables):
    """Events, their history (schedules) and decisions (candidacies, adoptions) agree."""
    events = {r["id"]: r for r in tables["events.csv"]}
    # part_of: never the event itself, no cycle
    for eid, r in events.items():
        seen, cur = {eid}, r["part_of"]
        while cur:
            if cur in seen:
                err(f"events.csv: {eid}: part_of chain loops back to {cur}")
                break
            seen.add(cur)
            cur = events[cur]["part_of"] if cur in events else ""
    # a session lies within its parent's dates (compared at the precision both give)
    for eid, r in events.items():
        parent = events.get(r["part_of"])
        if not parent:
            continue
        for mine, theirs, later in ((r["start"], parent["start"], True), (r["end"], parent["end"], False)):
            n = min(len(mine), len(theirs))
            if n and ((mine[:n] < theirs[:n]) if later else (mine[:n] > theirs[:n])):
                err(f"events.csv: {eid} ({r['start']}…{r['end']}) is not within its part_of {r['part_of']} ({parent['start']}…{parent['end']})")
    # cancelled events took place nowhere: no hosting or attendance
    for name in ("hostings.csv", "attendances.csv"):
        for i, r in enumerate(tables[name], start=2):
            if r["event"] in events and events[r["event"]]["status"] == "cancelled":
                err(f"{name}:{i}: {r['event']} is cancelled; a cancelled event has no {name[:-4]}")
    # schedules: per event, steps 1, 2, … in file order (a step may repeat: sources that disagree);
    # only the last step may be held/planned/cancelled without a later one; its outcome matches the event's status
    matches = {"held": "completed", "planned": "planned", "cancelled": "cancelled"}
    history = {}
    for i, r in enumerate(tables["schedules.csv"], start=2):
        history.setdefault(r["event"], []).append((i, r))
    for eid, rows in history.items():
        step = 0
        for i, r in rows:
            n = int(r["step"]) if INT.match(r["step"]) else 0
            if n not in (step, step + 1) or (step == 0 and n != 1):
                err(f"schedules.csv:{i}: step {r['step']} of {eid} after step {step} (steps go 1, 2, … in file order)")
            step = n
        last = [r for _, r in rows if r["step"] == str(step)]
        earlier = [(i, r) for i, r in rows if r["step"] != str(step)]
        for i, r in earlier:
            if r["outcome"] != "moved":
                err(f"schedules.csv:{i}: {eid} step {r['step']} is '{r['outcome']}' but a later step follows (expected 'moved')")
        if eid in events:
            ev = events[eid]
            if not any(matches.get(r["outcome"]) == ev["status"] for r in last):
                err(f"schedules.csv: the last step of {eid} has no outcome matching its status '{ev['status']}'")
            for r in last:
                if matches.get(r["outcome"]) == ev["status"] and r["start"] and r["start"] != ev["start"]:
                    err(f"schedules.csv: {eid} ends on {r['start']} but events.csv says start {ev['start']}")
    # candidacies: one chosen city per event, and it is the event's city
    chosen = {}
    for i, r in enumerate(tables["candidacies.csv"], start=2):
        if r["result"] == "chosen":
            if r["event"] in chosen:
                err(f"candidacies.csv:{i}: {r['event']} has a second chosen city")
            chosen[r["event"]] = r["city"]
            if r["event"] in events and events[r["event"]]["city"] != r["city"]:
                err(f"candidacies.csv:{i}: {r['city']} chosen for {r['event']}, whose city is {events[r['event']]['city']!r}")


def personal_names_hits():
    """Surnames read from the seeds: the contacts table of seed 002 and the upper-case
    surnames of seed 004 (council members, delegations). Skipped without the seeds."""
    if not os.path.isdir(SEEDS):
        print(f"note: {SEEDS} not found, personal-name check skipped", file=sys.stderr)
        return []
    surnames = set()
    for f in sorted(os.listdir(SEEDS)):
        text = open(os.path.join(SEEDS, f), encoding="utf-8").read()
        lines = text.split("\n")
        if f.startswith("002_"):
            inside = False
            for line in lines:
                if line.startswith("Nom de la collectivité étrangère | Nom | Prénom"):
                    inside = True
                    continue
                if inside and line.startswith("Collectivités territoriales"):
                    break
                if inside and "|" in line and not line.startswith("---"):
                    cells = [c.strip() for c in line.split("|")]
                    for c in cells[1:3]:
                        for w in re.split(r"[\s-]+", c):
                            if len(w) >= 4 and w.lower() not in ("na",):
                                surnames.add(w)
        if f.startswith("004_"):
            for w in re.findall(r"\b[A-ZÉÈ][A-ZÉÈ]{3,}(?:[- ][A-ZÉÈ]{3,})*\b", text):
                surnames.add(w)
            for w in re.findall(r"\b[A-Z]\. ([A-Z][a-zé]+)", text):
                surnames.add(w)
            # speakers and officials named in running text ("Intervention de X Y", "et de X Y", ...)
            cue = r"(?:Intervention de|et de|, de|conférence de|chef d'Orchestre international|CMD|Adjoint au Maire|initié par)"
            word = r"(?:[A-Z][a-zéèëïç]+|[A-Z]{2,})"
            for full in re.findall(cue + r" (" + word + r"(?:[ -]" + word + r")+)", text):
                surnames.add(full)
    # upper-case words of seed 004 that are not names (headings)
    not_names = {"DÉLIBÉRATION", "CONSEIL", "MUNICIPAL", "SÉANCE", "MARS", "RAPPORT", "ACTIVITÉ", "RELATIF", "ACTION",
                 "INTERNATIONALE", "VILLE", "CLERMONT", "FERRAND", "SERVICE", "DÉVELOPPEMENT", "ENSEMBLE", "TERRITOIRE",
                 "ACTEURS", "MIEUX", "FAIRE", "CONNAÎTRE", "ATOUS", "SOCIAUX", "ENVIRONNEMENTAUX", "CULTURELS",
                 "ÉCONOMIQUES", "RIVM", "RENCONTRES", "PARTAGER", "SAVOIR", "VILLES", "JUMELLES", "PARTENAIRES", "AVUF",
                 "ENUT", "CENTRE", "EUROPE", "DIRECT", "TOTAL", "VOTANTS", "VOIX", "EXPRIMÉES", "DREI", "NOS", "AVEC",
                 "LES", "DES", "ET", "DU", "DE", "LE", "LA", "AU", "ÉCONOMIQUES", "CGLU", "DRAJES", "MEAE", "COVID", "ECSI",
                 "CAAFA", "PUSH4", "UCA", "AURA", "JME", "LEGTA", "CED", "HSC", "NEM", "ESN", "ZFE", "ODD", "Capitale",
                 "Clermont", "Europe", "Entretiens", "Europe express", "SAVOIR-FAIRE", "CLERMONT-FERRAND", "EUROPE DIRECT",
                 "CENTRE EUROPE DIRECT", "INTERNATIONALE DE", "CIED", "PARTAGER NOS SAVOIR-FAIRE AVEC LES VILLES JUMELLES ET PARTENAIRES"}
    candidates = {w for w in surnames if w not in not_names and w.upper() not in not_names}
    hits = []
    for fname in sorted(os.listdir(DATA)):
        path = os.path.join(DATA, fname)
        if not os.path.isfile(path):
            continue
        text = open(path, encoding="utf-8").read()
        for w in sorted(candidates):
            for part in w.split():
                if len(part) >= 4 and part.upper() not in not_names and re.search(r"\b" + re.escape(part) + r"\b", text, re.IGNORECASE):
                    hits.append((fname, part))
    return sorted(set(hits))


if __name__ == "__main__":
    counts = main()
    for name in sorted(counts):
        print(f"{counts[name]:5d}  {name}")
    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print("ok")
