"""Generate the SYNTHETIC support-chat sample: data/sample_chats.csv (+ _gold.csv).

Every conversation is made up here from short phrases written for this project; no real
person's words. It imitates the shape of a support-chat export of a civil-society
organisation talking with young people: one row per message (conversation id, message
id, timestamp, speaker, text), several messages per conversation from two speakers, a
theme per conversation whose prevalence changes over the year, a few empty and one-word
messages, and planted personal data (names, phone numbers, e-mail addresses) so that
masking can be checked. The gold file (the planted theme per conversation) is for tests
and benchmarks only; the notebooks never read it.

Run ``python data/generate_chats.py`` (seed 20251125) to rewrite both files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20251125
N_CONVERSATIONS = 240

# Theme: (Swedish opening messages, English opening messages, follow-ups in Swedish).
THEMES = {
    "skolstress": (
        ["jag är så stressad över skolan", "vi har prov hela tiden och jag hinner inte plugga",
         "jag klarar inte alla inlämningar", "betygen känns som allt just nu",
         "jag får panik inför matteprovet", "lärarna ger oss för mycket läxor"],
        ["school is stressing me out so much", "I have too many exams and can't keep up"],
        ["jag sover dåligt inför proven", "mina föräldrar tjatar om betygen",
         "jag vet inte hur jag ska hinna med allt i skolan", "det är nationella prov snart"],
    ),
    "ensamhet": (
        ["jag känner mig så ensam", "jag har inga vänner att vara med",
         "ingen i klassen pratar med mig", "jag sitter ensam på rasterna",
         "helgerna är värst, då är jag alltid ensam"],
        ["I feel so lonely", "I don't have any friends to hang out with"],
        ["alla andra verkar ha någon", "jag saknar någon att prata med",
         "jag har flyttat och känner ingen här", "det känns som att ingen bryr sig"],
    ),
    "familj": (
        ["mina föräldrar bråkar hela tiden", "det är jobbigt hemma",
         "jag bråkar med min mamma varje dag", "pappa blir arg för allt",
         "mina föräldrar ska skiljas"],
        ["my parents argue all the time", "things are hard at home"],
        ["jag vill inte vara hemma", "jag får ingen hjälp hemifrån",
         "mina syskon och jag bråkar också", "jag vet inte vem jag ska bo hos"],
    ),
    "nätmobbning": (
        ["någon sprider bilder på mig på nätet", "jag blir mobbad i en gruppchatt",
         "de skriver elaka kommentarer på mina inlägg", "någon har gjort ett fejkkonto om mig"],
        ["someone is posting mean things about me online", "I'm being bullied in a group chat"],
        ["jag vågar inte öppna appen längre", "skolan gör ingenting åt det",
         "jag har blockerat dem men de fortsätter", "alla i klassen har sett det"],
    ),
    "sömn": (
        ["jag kan inte sova på nätterna", "jag ligger vaken till tre varje natt",
         "jag är trött hela tiden", "jag vaknar flera gånger varje natt"],
        ["I can't sleep at night", "I'm tired all the time"],
        ["jag tittar på mobilen tills jag somnar", "tankarna snurrar när jag ska sova",
         "jag somnar på lektionerna", "det har varit så i flera veckor"],
    ),
}
# Relative prevalence per month (Jan..Dec): school stress peaks before exams and term ends,
# loneliness in summer and December.
SEASON = {
    "skolstress": [3, 3, 4, 5, 6, 2, 1, 1, 3, 4, 5, 4],
    "ensamhet": [3, 2, 2, 2, 2, 4, 6, 5, 2, 2, 3, 5],
    "familj": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4],
    "nätmobbning": [2, 3, 3, 3, 2, 1, 1, 1, 3, 3, 3, 2],
    "sömn": [2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 2, 2],
}
COUNSELLOR = ["Hej! Vad fint att du skriver till oss.", "Berätta mer, jag lyssnar.",
              "Det låter jobbigt. Hur länge har det varit så?",
              "Har du någon vuxen du kan prata med om det här?",
              "Det är modigt av dig att berätta.", "Vad tror du skulle kunna hjälpa?",
              "Du är välkommen att skriva igen när du vill.", "Tack för att du delar det."]
COUNSELLOR_EN = ["Hi! Thanks for writing to us.", "Tell me more, I'm listening.",
                 "That sounds hard. How long has it been like this?",
                 "Is there an adult you can talk to about this?"]
SHORT = ["ok", "ja", "nej", "vet inte", "?", "mm", "tack", ""]
NAMES = ["Alva", "Elias", "Maja", "Noah", "Ella", "Hugo", "Wilma", "Liam", "Saga", "Leo"]
PII = ["jag heter {name} förresten", "ni kan ringa mig på 070-{a} {b} {c}",
       "mejla mig på {mail}@exempel.se", "min kompis {name} har det likadant"]


def generate(n: int = N_CONVERSATIONS, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(messages, gold)`` for `n` synthetic conversations."""
    rng = np.random.default_rng(seed)
    themes = list(THEMES)
    rows, gold = [], []
    start = pd.Timestamp("2025-01-01 08:00")
    days = np.sort(rng.integers(0, 365, size=n))
    for k, day in enumerate(days):
        when = start + pd.Timedelta(days=int(day), minutes=int(rng.integers(0, 14 * 60)))
        weights = np.array([SEASON[t][when.month - 1] for t in themes], dtype=float)
        theme = themes[rng.choice(len(themes), p=weights / weights.sum())]
        english = rng.random() < 0.15
        opening_sv, opening_en, follow = THEMES[theme]
        conv = f"C{k + 1:04d}"
        gold.append({"conversation_id": conv, "theme": theme,
                     "language": "en" if english else "sv"})
        turns = [("volontär", rng.choice(COUNSELLOR_EN if english else COUNSELLOR[:1])),
                 ("ungdom", rng.choice(opening_en if english else opening_sv))]
        for _ in range(int(rng.integers(1, 5))):
            turns.append(("volontär", rng.choice(COUNSELLOR_EN[1:] if english else COUNSELLOR[1:])))
            reply = rng.choice(follow) if not english else rng.choice(opening_en)
            if rng.random() < 0.25:
                reply = str(rng.choice(SHORT))
            turns.append(("ungdom", reply))
            if rng.random() < 0.3:  # a second message in the same turn
                turns.append(("ungdom", rng.choice(follow)))
        if rng.random() < 0.12:
            template = str(rng.choice(PII))
            turns.append(("ungdom", template.format(
                name=rng.choice(NAMES), mail=str(rng.choice(NAMES)).lower() + "123",
                a=rng.integers(100, 999), b=rng.integers(10, 99), c=rng.integers(10, 99))))
        turns.append(("volontär", "Du är välkommen att skriva igen när du vill."
                      if not english else "You are welcome to write again any time."))
        for j, (speaker, text) in enumerate(turns):
            when = when + pd.Timedelta(seconds=int(rng.integers(20, 400)))
            rows.append({"conversation_id": conv, "message_id": f"{conv}-{j + 1:02d}",
                         "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S"),
                         "speaker": speaker, "text": text})
    return pd.DataFrame(rows), pd.DataFrame(gold)


def main() -> int:
    messages, gold = generate()
    messages.to_csv(HERE / "sample_chats.csv", index=False, lineterminator="\n")
    gold.to_csv(HERE / "sample_chats_gold.csv", index=False, lineterminator="\n")
    print(f"{len(messages)} messages in {len(gold)} conversations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
