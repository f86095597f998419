"""Generate the SYNTHETIC interview sample: data/sample_interviews/*.txt (+ .csv files).

Fourteen made-up interviews in Swedish with people in municipalities, regions and
civil-society organisations about what holds back their work with AI. No real person was
interviewed and no real person's words are used: every sentence was written for this
project from the five obstacles of the programme's closing interview study (leadership,
legal frameworks, data access, financing, forms of cooperation). Each interview raises
two to four planted obstacles; transcripts differ in how they mark speakers
("Intervjuare:/IP:", "I:/R:", "Intervjuare:/Respondent 4:") and some carry timestamps.
Some answers hold planted personal data (names, phone numbers, e-mail addresses, a
personnummer) so that masking can be checked.

* ``sample_interviews/intervju_NN.txt``: the transcripts (UTF-8);
* ``sample_interviews.csv``: interview metadata (id, organisation type, size, role);
* ``sample_interviews_gold.csv``: the planted obstacles and personal data per interview,
  for tests and benchmarks only; the notebooks never read it.

Run ``python data/generate_interviews.py`` (seed 20251126) to rewrite them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "sample_interviews"
SEED = 20251126

# What the interviewer asks before each obstacle, and what the interviewee answers. The
# answers use the obstacle's words and no other obstacle's (checked in tests with the
# codebook's keyword coder).
OBSTACLES = {
    "leadership": (
        "Hur har ledningen förhållit sig till arbetet?",
        ["Ledningen har aldrig gett oss något mandat att driva det här.",
         "Det finns ingen strategi, så ingen äger frågan på riktigt.",
         "Politikerna pratar gärna om AI men prioriterar inte frågan.",
         "Vår styrelse är försiktig och vill vänta och se.",
         "Cheferna ser inte varför vi ska hålla på med det.",
         "Frågan saknar förankring högre upp i organisationen."]),
    "legal": (
        "Hur ser det ut med de juridiska frågorna?",
        ["Vi vet inte om GDPR tillåter att vi använder tjänsten.",
         "Juristerna säger nej till allt som rör personuppgifter.",
         "AI-förordningen gör oss osäkra på vad som gäller.",
         "Sekretessen gör att vi inte vågar skicka texterna till en extern tjänst.",
         "Upphandlingen drog ut i över ett år på grund av juridiken."]),
    "data_access": (
        "Hur är det med underlaget, det ni skulle bygga på?",
        ["Datan ligger utspridd och ingen har överblick över den.",
         "Vi får inte tillgång till data från de andra förvaltningarna.",
         "Datakvaliteten är för dålig för att bygga något på.",
         "Ingen vet vilka data som finns eller vem som ansvarar för dem."]),
    "financing": (
        "Och hur har ni löst det ekonomiska?",
        ["Det finns ingen budget för det här när projektet är slut.",
         "Licenserna kostar mer än vi har råd med.",
         "Vi lever på projektmedel, och när de tar slut står vi still.",
         "Pengarna räcker inte ens till driften.",
         "Det är svårt att räkna hem investeringen för nämnden."]),
    "cooperation": (
        "Har ni kunnat arbeta ihop med andra?",
        ["Samverkan med grannkommunerna har aldrig kommit igång.",
         "Varje kommun bygger sitt eget när vi borde göra det gemensamt.",
         "Leverantören låser in oss och vill inte samarbeta med någon.",
         "Vi saknar ett nätverk där vi kan fråga andra organisationer."]),
}
INTRO_QUESTION = "Berätta kort om er och hur ni har arbetat med AI."
INTRO = ["Vi började med AI för ungefär två år sedan, med ett försök i kundtjänsten.",
         "Vi har testat att sammanfatta ärenden automatiskt.",
         "Personalen har varit nyfiken och positiv från början.",
         "Det har gått bättre än jag trodde på många sätt.",
         "Vi är fortfarande i början, ärligt talat."]
CLOSING_QUESTION = "Är det något mer du vill lägga till?"
CLOSING = ["Nej, jag tror att jag har sagt det viktigaste.",
           "Bara att jag tror att det här kommer att bli vanligare.",
           "Nej, det var nog allt."]
# (organisation type, size, role): who was interviewed
PEOPLE = [("Kommun", "stor", "Digitaliseringsstrateg"), ("Kommun", "stor", "Chef"),
          ("Kommun", "liten", "Utvecklare"), ("Kommun", "liten", "Chef"),
          ("Kommun", "liten", "Jurist"), ("Kommun", "mellanstor", "Verksamhetsutvecklare"),
          ("Kommun", "mellanstor", "Analytiker"), ("Kommun", "stor", "Jurist"),
          ("Region", "stor", "Chef"), ("Region", "stor", "Analytiker"),
          ("Region", "stor", "Utvecklare"),
          ("Civilsamhällesorganisation", None, "Verksamhetsledare"),
          ("Civilsamhällesorganisation", None, "Ideell"),
          ("Civilsamhällesorganisation", None, "Handläggare")]
# How transcripts mark the speakers: (interviewer, interviewee, with timestamps?)
STYLES = [("Intervjuare", "IP", True), ("I", "R", False), ("Intervjuare", "Respondent {n}", True)]
NAMES = ["Karin Lindqvist", "Anders Holm", "Maria Sjöberg", "Johan Ek"]


def personnummer(rng) -> str:
    """A made-up personnummer with a valid check digit (YYYYMMDD-NNNC)."""
    digits = f"{rng.integers(60, 99):02d}{rng.integers(1, 13):02d}{rng.integers(1, 29):02d}" \
             f"{rng.integers(100, 999):03d}"
    total = 0
    for i, d in enumerate(digits):
        x = int(d) * (2 if i % 2 == 0 else 1)
        total += x - 9 if x > 9 else x
    return f"19{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"


def planted_pii(rng, k: int) -> tuple[str, str]:
    """A sentence with personal data and the data itself (for the gold file)."""
    kind = k % 4
    if kind == 0:
        name = NAMES[k // 4 % len(NAMES)]
        return f"Prata med {name} hos oss, hon vet mest om det.", name
    if kind == 1:
        phone = f"070-{rng.integers(100, 999)} {rng.integers(10, 99)} {rng.integers(10, 99)}"
        return f"Du kan ringa mig på {phone} om du vill veta mer.", phone
    if kind == 2:
        mail = f"anna.berg{k}@exempelkommun.se"
        return f"Mejla gärna mig på {mail} efteråt.", mail
    number = personnummer(rng)
    return f"Skriv upp mitt personnummer, {number}, för ersättningen.", number


def interview(i: int, rng) -> tuple[str, list[str], str]:
    """Return the transcript, its planted obstacles and its planted personal data."""
    org, size, _ = PEOPLE[i]
    interviewer, interviewee, timed = STYLES[i % len(STYLES)]
    interviewee = interviewee.replace("{n}", str(i + 1))
    k = int(rng.integers(2, 5))
    planted = sorted(rng.choice(list(OBSTACLES), size=k, replace=False).tolist(),
                     key=list(OBSTACLES).index)
    clock = [0]

    def line(speaker: str, text: str) -> str:
        clock[0] += int(rng.integers(8, 90))
        stamp = f"[{clock[0] // 3600:02d}:{clock[0] // 60 % 60:02d}:{clock[0] % 60:02d}] "
        return f"{stamp if timed else ''}{speaker}: {text}"

    what = f"{org.lower()}, {size}" if size else org.lower()
    lines = [f"Intervju {i + 1:02d} ({what}). Syntetisk intervju skriven för survey_tools; "
             "ingen verklig person.", "",
             line(interviewer, INTRO_QUESTION),
             line(interviewee, " ".join(rng.choice(INTRO, size=2, replace=False)))]
    for obstacle in planted:
        question, answers = OBSTACLES[obstacle]
        said = rng.choice(answers, size=2, replace=False).tolist()
        lines.append(line(interviewer, question))
        lines.append(line(interviewee, said[0]))
        if rng.random() < 0.5:
            lines.append(said[1])  # a second paragraph of the same turn
    pii = ""
    if i % 3 != 2:  # personal data in most interviews, in the closing answer
        sentence, pii = planted_pii(rng, i)
        closing = f"{rng.choice(CLOSING)} {sentence}"
    else:
        closing = str(rng.choice(CLOSING))
    lines += [line(interviewer, CLOSING_QUESTION), line(interviewee, closing), ""]
    return "\n".join(lines), planted, pii


def main() -> int:
    rng = np.random.default_rng(SEED)
    FOLDER.mkdir(exist_ok=True)
    meta, gold = [], []
    for i, (org, size, role) in enumerate(PEOPLE):
        name = f"intervju_{i + 1:02d}"
        text, planted, pii = interview(i, rng)
        (FOLDER / f"{name}.txt").write_text(text, encoding="utf-8")
        meta.append({"interview_id": name, "org_type": org, "size": size or "", "role": role})
        gold.append({"interview_id": name, "obstacles": ";".join(planted), "pii": pii})
    pd.DataFrame(meta).to_csv(HERE / "sample_interviews.csv", index=False)
    pd.DataFrame(gold).to_csv(HERE / "sample_interviews_gold.csv", index=False)
    print(f"wrote {len(meta)} interviews to {FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
