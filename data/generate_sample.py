"""Generate the SYNTHETIC sample survey in data/ (seeded, reproducible).

Nothing here comes from real respondents. The survey imitates an interview-study-style
questionnaire sent to Swedish municipalities, regions and civil-society organisations
after a national programme on AI. Run from the project folder:

    python data/generate_sample.py            # writes data/sample_survey.*
    python data/generate_sample.py --out DIR  # somewhere else (the tests do this)

The gold file (sample_survey_gold.csv) records what the generator intended: themes of each
open answer, non-answers and planted personal data. The pipeline never reads it; it is for
evaluation only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20251124
N_RESPONDENTS = 1250
HERE = Path(__file__).resolve().parent

ORG_TYPES = ["Kommun", "Region", "Civilsamhällesorganisation"]
ORG_P = [0.62, 0.10, 0.28]
SIZES = ["Mindre kommun (<15 000 inv.)", "Medelstor kommun (15 000–50 000 inv.)",
         "Större kommun (50 000–200 000 inv.)", "Storstad (>200 000 inv.)"]
SIZE_P = [0.35, 0.35, 0.22, 0.08]
ROLES = {
    "public": ["Chef/ledning", "Verksamhetsutvecklare", "IT/digitalisering", "Jurist",
               "Analytiker/statistiker", "Handläggare", "Förtroendevald"],
    "public_p": [0.22, 0.22, 0.2, 0.06, 0.12, 0.13, 0.05],
    "cso": ["Chef/ledning", "Verksamhetsutvecklare", "IT/digitalisering",
            "Analytiker/statistiker", "Handläggare", "Ideell/förtroendevald"],
    "cso_p": [0.3, 0.2, 0.1, 0.05, 0.15, 0.2],
}
ACTIVITIES = {  # column: (label, participation probability)
    "act_webinar": ("Webbinarier", 0.62),
    "act_network": ("Nätverksträffar", 0.41),
    "act_training": ("Utbildning/kurs", 0.35),
    "act_project": ("Finansierat projekt", 0.14),
    "act_legal": ("Juridisk vägledning", 0.22),
    "act_data": ("Workshop om datadelning", 0.18),
}
SCALE = ["Instämmer inte alls", "Instämmer i låg grad", "Instämmer delvis",
         "Instämmer i hög grad", "Instämmer helt"]
DONT_KNOW = "Vet ej"
LIKERT = {  # column: (theme, base level, Swedish text, English text)
    "lik_strategy": ("leadership", -0.2, "Vår organisation har en tydlig strategi för AI",
                     "Our organisation has a clear AI strategy"),
    "lik_leadership": ("leadership", 0.0, "Ledningen ger aktivt stöd till AI-arbetet",
                       "Leadership actively supports work with AI"),
    "lik_data_access": ("data_access", -0.5, "Vi har tillgång till de data vi behöver",
                        "We have access to the data we need"),
    "lik_legal": ("legal", -0.8, "Det rättsliga läget för AI är tydligt för oss",
                  "The legal framework for AI is clear to us"),
    "lik_financing": ("financing", -0.9, "Vi har finansiering för att arbeta med AI",
                      "We have funding to work with AI"),
    "lik_cooperation": ("cooperation", 0.3, "Samverkan med andra organisationer om AI fungerar väl",
                        "Cooperation with other organisations on AI works well"),
}
THEME_WEIGHT = {"leadership": 1.0, "legal": 1.1, "data_access": 1.1, "financing": 1.2,
                "cooperation": 0.8, "competence": 1.0, "technology": 0.7, "other": 0.35}


def _luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def _personnummer(rng) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 18250)))
    day = born.day + (60 if rng.random() < 0.15 else 0)  # samordningsnummer
    serial = f"{int(rng.integers(0, 1000)):03d}"
    short = f"{born:%y%m}{day:02d}{serial}"
    check = _luhn_digit(short)
    style = int(rng.integers(0, 4))
    if style == 0:
        return f"{short[:6]}-{short[6:]}{check}"
    if style == 1:
        return f"{born:%Y}{short[2:]}{check}"
    if style == 2:
        return f"{born:%Y}{short[2:6]}-{short[6:]}{check}"
    return f"{short}{check}"


def _phone(rng) -> str:
    n = [int(d) for d in rng.integers(0, 10, size=8)]
    mob = f"07{rng.choice([0, 2, 3, 6])}"
    forms = [
        f"{mob}-{n[0]}{n[1]}{n[2]} {n[3]}{n[4]} {n[5]}{n[6]}",
        f"{mob}{n[0]}{n[1]}{n[2]}{n[3]}{n[4]}{n[5]}{n[6]}",
        f"+46 {mob[1:]} {n[0]}{n[1]}{n[2]} {n[3]}{n[4]} {n[5]}{n[6]}",
        f"08-{n[0]}{n[1]}{n[2]} {n[3]}{n[4]}{n[5]} {n[6]}{n[7]}".replace("08-0", "08-5"),
        f"031-{n[0] or 7}{n[1]} {n[2]}{n[3]} {n[4]}{n[5]}",
    ]
    return forms[int(rng.integers(0, len(forms)))]


def _ascii(text: str) -> str:
    return text.lower().translate(str.maketrans("åäöé", "aaoe"))


def _plant_pii(rng, bank, lang):
    kind = rng.choice(["phone", "email", "personnummer", "name"], p=[0.3, 0.3, 0.2, 0.2])
    first = rng.choice(bank["first_names"])
    last = rng.choice(bank["last_names"])
    values = {
        "phone": _phone(rng),
        "email": f"{_ascii(first)}.{_ascii(last)}@{rng.choice(bank['domains'])}",
        "pnr": _personnummer(rng),
        "name": f"{first} {last}",
    }
    template = rng.choice(bank[f"templates_{lang}"][str(kind)])
    return str(kind), template.format(**values)


def _typo(rng, text: str) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 4]
    if not long_words:
        return text
    i = int(rng.choice(long_words))
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    op = int(rng.integers(0, 4))
    if op == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == 1:
        w = w[:j] + w[j + 1:]
    elif op == 2:
        w = w[:j] + w[j] + w[j:]
    else:
        w = w.translate(str.maketrans("åäöÅÄÖ", "aaoAAO"))
    words[i] = w
    return " ".join(words)


def _style(rng, text: str) -> str:
    r = rng.random()
    if r < 0.55:
        text = text[0].upper() + text[1:]
    if rng.random() < 0.6 and not text.endswith((".", "?", "!")):
        text += "."
    if rng.random() < 0.04:
        text = text.lower()
    if rng.random() < 0.14:
        text = _typo(rng, text)
    return text


def _pick_themes(rng, weights: dict) -> list[str]:
    k = int(rng.choice([1, 2, 3], p=[0.55, 0.33, 0.12]))
    names = list(weights)
    p = np.array([weights[t] for t in names], dtype=float)
    return list(rng.choice(names, size=k, replace=False, p=p / p.sum()))


def _compose(rng, bank, question, lang, themes) -> str:
    if rng.random() < 0.12 and len(themes) == 1:
        return str(rng.choice(bank["short"][lang][themes[0]]))
    frags = [str(rng.choice(bank[question][lang][t])) for t in themes]
    openers = bank["openers" if question == "obstacles" else "takeaway_openers"][lang]
    text = str(rng.choice(openers)) + frags[0]
    for frag in frags[1:]:
        text += str(rng.choice(bank["connectors"][lang])) + frag
    text = _style(rng, text)
    if rng.random() < 0.15:
        text = text.rstrip(".") + "." + str(rng.choice(bank["elaborations"][lang]))
    return text


def _answer(rng, bank, question, lang, weights, p_non, p_empty):
    r = rng.random()
    if r < p_empty:
        return "", {"answer_kind": "empty", "themes": "", "planted_pii": ""}
    if r < p_empty + p_non:
        text = str(rng.choice(bank["non_answers"][lang]))
        return text, {"answer_kind": "non_answer", "themes": "", "planted_pii": ""}
    themes = _pick_themes(rng, weights)
    text = _compose(rng, bank, question, lang, themes)
    pii = ""
    if rng.random() < 0.02:
        pii, sentence = _plant_pii(rng, bank["pii"], lang)
        text = text.rstrip() + " " + sentence
    return text, {"answer_kind": "answer", "themes": ";".join(sorted(themes)),
                  "planted_pii": pii}


def _likert(rng, latent: float, base: float) -> str:
    if rng.random() < 0.03:
        return DONT_KNOW
    if rng.random() < 0.015:
        return ""
    score = base + latent + rng.normal(0, 0.9)
    cuts = [-1.3, -0.4, 0.5, 1.4]
    return SCALE[int(np.searchsorted(cuts, score))]


def _respondent(rng, i: int, bank) -> tuple[dict, list[dict]]:
    org = str(rng.choice(ORG_TYPES, p=ORG_P))
    size = str(rng.choice(SIZES, p=SIZE_P)) if org == "Kommun" else ""
    kind = "cso" if org == ORG_TYPES[2] else "public"
    role = str(rng.choice(ROLES[kind], p=ROLES[f"{kind}_p"]))
    size_effect = {"": 0.0, SIZES[0]: -0.35, SIZES[1]: -0.1, SIZES[2]: 0.2, SIZES[3]: 0.5}[size]
    org_effect = {"Kommun": 0.0, "Region": 0.35, ORG_TYPES[2]: -0.3}[org]
    latent = rng.normal(0, 0.8) + size_effect + org_effect
    row = {"respondent_id": f"R{i:04d}", "org_type": org, "size_class": size, "role": role}
    for col, (_, p) in ACTIVITIES.items():
        row[col] = int(rng.random() < p + (0.1 if org == "Region" else 0.0))
    weights = dict(THEME_WEIGHT)
    for col, (theme, base, _, _) in LIKERT.items():
        extra = -0.4 if (org == ORG_TYPES[2] and theme in ("financing", "data_access")) else 0.0
        value = _likert(rng, latent, base + extra)
        row[col] = value
        if value in SCALE[:2]:
            weights[theme] += 0.9
    if size == SIZES[0]:
        weights["competence"] += 0.8
    before = int(np.clip(round(2.2 + 0.9 * latent + rng.normal(0, 0.5)), 1, 5))
    gain_p = (0.15 + 0.35 * row["act_project"] + 0.15 * row["act_training"]
              + 0.05 * row["act_network"])
    after = int(min(5, before + rng.binomial(2, min(gain_p, 0.9))))
    row["maturity_before"], row["maturity_after"] = before, after
    lang = "en" if rng.random() < 0.2 else "sv"
    gold = []
    for col, question, p_non, p_empty in (("q_obstacles", "obstacles", 0.07, 0.06),
                                           ("q_takeaway", "takeaway", 0.09, 0.10)):
        text, info = _answer(rng, bank, question, lang, weights, p_non, p_empty)
        row[col] = text
        gold.append({"respondent_id": row["respondent_id"], "question": col, "language": lang,
                     **info})
    return row, gold


def _weights(frame: pd.DataFrame) -> pd.Series:
    target = {"Kommun": 0.55, "Region": 0.05, ORG_TYPES[2]: 0.40}
    size_target = dict(zip(SIZES, [0.45, 0.33, 0.17, 0.05], strict=True))
    share = frame["org_type"].map(frame["org_type"].value_counts(normalize=True))
    w = frame["org_type"].map(target) / share
    kommun = frame["org_type"] == "Kommun"
    size_share = frame.loc[kommun, "size_class"].value_counts(normalize=True)
    w[kommun] *= frame.loc[kommun, "size_class"].map(size_target) / frame.loc[
        kommun, "size_class"].map(size_share)
    return (w / w.mean()).round(4)


def dictionary() -> pd.DataFrame:
    """Question texts (sv, en) of every column."""
    rows = [
        ("respondent_id", "Respondent-id", "Respondent id"),
        ("org_type", "Typ av organisation", "Type of organisation"),
        ("size_class", "Kommunens storlek", "Municipality size"),
        ("role", "Din roll", "Your role"),
    ]
    en_act = {"act_webinar": "Webinars", "act_network": "Network meetings",
              "act_training": "Training/course", "act_project": "Funded project",
              "act_legal": "Legal guidance", "act_data": "Data sharing workshop"}
    rows += [(c, f"Deltog i: {sv}", f"Took part in: {en_act[c]}")
             for c, (sv, _) in ACTIVITIES.items()]
    rows += [("weight", "Vikt", "Survey weight")]
    rows += [(c, sv, en) for c, (_, _, sv, en) in LIKERT.items()]
    rows += [
        ("maturity_before", "AI-mognad före programmet (1–5)", "AI maturity before (1–5)"),
        ("maturity_after", "AI-mognad efter programmet (1–5)", "AI maturity after (1–5)"),
        ("q_obstacles", "Vilka är de största hindren för att använda AI i er organisation?",
         "What are the biggest obstacles to using AI in your organisation?"),
        ("q_takeaway", "Vad är det viktigaste du tar med dig från programmet?",
         "What is the most important thing you took away from the programme?"),
    ]
    frame = pd.DataFrame(rows, columns=["column", "label_sv", "label_en"])
    orders = {"org_type": ORG_TYPES, "size_class": SIZES}
    frame["values"] = frame["column"].map(lambda c: "|".join(orders.get(c, [])))
    return frame


def generate(seed: int = SEED, n: int = N_RESPONDENTS):
    """Return the survey table and the gold table."""
    bank = yaml.safe_load((HERE / "sample_phrases.yaml").read_text(encoding="utf-8"))
    rng = np.random.default_rng(seed)
    rows, gold = [], []
    for i in range(1, n + 1):
        row, g = _respondent(rng, i, bank)
        rows.append(row)
        gold.extend(g)
    survey = pd.DataFrame(rows)
    survey.insert(4 + len(ACTIVITIES), "weight", _weights(survey))
    return survey, pd.DataFrame(gold)


def _write_sav(survey: pd.DataFrame, labels: pd.DataFrame, path: Path) -> None:
    import pyreadstat

    frame = survey.copy()
    value_labels = {}
    for col, cats in (("org_type", ORG_TYPES), ("size_class", SIZES),
                      ("role", sorted(set(ROLES["public"]) | set(ROLES["cso"])))):
        codes = {c: k for k, c in enumerate(cats, start=1)}
        frame[col] = frame[col].map(codes).astype(float)
        value_labels[col] = {float(k): c for c, k in codes.items()}
    for col in LIKERT:
        codes = {c: k for k, c in enumerate(SCALE, start=1)} | {DONT_KNOW: 9}
        frame[col] = frame[col].map(codes).astype(float)
        value_labels[col] = {float(k): c for c, k in codes.items()}
    label_of = dict(zip(labels["column"], labels["label_sv"], strict=True))
    pyreadstat.write_sav(frame, str(path), column_labels=[label_of[c] for c in frame.columns],
                         variable_value_labels=value_labels)


def write(out: Path, seed: int = SEED, n: int = N_RESPONDENTS) -> None:
    """Write CSV, XLSX, SAV, the data dictionary and the gold file into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    survey, gold = generate(seed, n)
    labels = dictionary()
    survey.to_csv(out / "sample_survey.csv", index=False, encoding="utf-8", lineterminator="\n")
    labels.to_csv(out / "sample_survey_dictionary.csv", index=False, lineterminator="\n")
    gold.to_csv(out / "sample_survey_gold.csv", index=False, lineterminator="\n")
    with pd.ExcelWriter(out / "sample_survey.xlsx", engine="openpyxl") as writer:
        survey.to_excel(writer, sheet_name="Svar", index=False)
        labels.to_excel(writer, sheet_name="Frågor", index=False)
        writer.book.properties.created = dt.datetime(2025, 11, 24)
    _write_sav(survey, labels, out / "sample_survey.sav")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--n", type=int, default=N_RESPONDENTS)
    args = parser.parse_args()
    write(args.out, args.seed, args.n)
    print(f"wrote synthetic sample survey ({args.n} respondents, seed {args.seed}) to {args.out}")


if __name__ == "__main__":
    main()
