"""Write pii_cases.csv: planted personal data in varied formats, and ordinary answers.

Written for the tests (no real person's data; identity numbers are random with a valid
check digit). Run from the repository root: python tests/data/make_pii_cases.py
"""

import csv
import random
from pathlib import Path

from stdnum import luhn

rng = random.Random(20251124)


def pnr(samordning=False, century=False, sep="-"):
    year, month, day = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    day += 60 if samordning else 0
    body = f"{year % 100:02d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    digits = body + luhn.calc_check_digit(body)
    text = digits[:6] + sep + digits[6:]
    return (str(year // 100) + text) if century else text


def card(prefix, length):
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    digits = body + luhn.calc_check_digit(body)
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def main():
    rows = []
    add = rows.append
    for i in range(12):
        value = pnr(century=i % 3 == 0, sep=["-", "", " ", "-"][i % 4])
        add((["Mitt personnummer är {} om ni behöver det.", "pnr {}", "({})", "My personal "
              "identity number is {}."][i % 4].format(value), "PERSONNUMMER", value))
    for i in range(8):
        value = pnr(samordning=True, century=i % 2 == 0, sep="-" if i % 3 else "")
        add((["Samordningsnummer: {}", "Jag har samordningsnummer {} eftersom jag är ny.",
              "coordination number {}"][i % 3].format(value), "SAMORDNINGSNUMMER", value))
    phones = ["070-123 45 67", "0701234567", "+46 70 123 45 67", "08-123 456 78", "031-12 34 56",
              "+46 8 123 456 78", "073 987 65 43", "+44 20 7946 0958", "0046 70 555 12 34",
              "(08) 555 123 45", "072-345 67 89", "+1 212 555 0142", "040-12 34 56", "076 111 22 33"]
    for i, value in enumerate(phones):
        add((["Ring mig gärna på {} om ni vill veta mer.", "Kontakta mig på {}.", "nås på tel {}",
              "Call me on {} if you want to know more."][i % 4].format(value), "PHONE", value))
    emails = ["anna.svensson@kommun.se", "erik_l@region.se", "info@forening.org", "k.berg@exempel.se",
              "per+enkat@mail.com", "LARS.NILSSON@VGREGION.SE", "o.holm@sub.domain.co.uk",
              "sara-lind@stad.se", "m123@skola.nu", "test.user@uni.edu"]
    for i, value in enumerate(emails):
        add((["Mejla mig på {} för mer info.", "Skicka gärna material till {}", "kontakt: {}",
              "Email me at {} for details."][i % 4].format(value), "EMAIL", value))
    cards = [card("4", 16), card("5", 16), card("37", 15), card("6", 16), card("4", 13)]
    for i, value in enumerate(cards):
        add((["Betalade med kort {} förra året", "card number {}", "kortnr: {}"][i % 3].format(value),
             "CARD", value))
    names = [("Min kollega Karin Lindberg vet mer om detta.", "Karin Lindberg"),
             ("Prata med Johan på it-avdelningen.", "Johan"),
             ("Jag heter Fatima Ali och jobbar med frågan.", "Fatima Ali"),
             ("My colleague Erik Johansson knows more.", "Erik Johansson"),
             ("Anna Svensson har drivit frågan i två år.", "Anna Svensson"),
             ("Kontakta Mikael Persson om projektet.", "Mikael Persson"),
             ("Fråga Sara om budgeten.", "Sara"),
             ("Jag heter Zlatan och är ny här.", "Zlatan"),
             ("Hälsningar Lena", "Lena"),
             ("Talk to Ahmed in the IT department.", "Ahmed")]
    for text, value in names:
        add((text, "NAME", value))
    others = [("Se https://www.exempel.se/projekt/ai för detaljer.", "URL", "https://www.exempel.se/projekt/ai"),
              ("Vi har en sida på www.kommun.se/ai.", "URL", "www.kommun.se/ai"),
              ("Servern har ip 192.168.10.25 internt.", "IP", "192.168.10.25"),
              ("Adressen är Storgatan 12 på andra våningen.", "ADDRESS", "Storgatan 12"),
              ("Postadress: 123 45 Stockholm", "POSTCODE", "123 45 Stockholm"),
              ("Min kollega Per vet mer.", "NAME", "Per"),
              ("Skicka till Drottninggatan 5B.", "ADDRESS", "Drottninggatan 5B"),
              ("Vår förening har organisationsnummer 802456-1233.", "ORGANISATIONSNUMMER", None),
              ("Betala till SE45 5000 0000 0583 9825 7466.", "IBAN", "SE45 5000 0000 0583 9825 7466")]
    for text, kind, value in others:
        if value is None:  # build a valid organisationsnummer
            body = "802456123"
            value = body[:6] + "-" + body[6:] + luhn.calc_check_digit(body)
            text = f"Vår förening har organisationsnummer {value}."
        add((text, kind, value))
    ordinary = [
        "Vi är 120 anställda och har 3 500 medlemmar.", "Budgeten var 2 500 000 kr för 2023.",
        "Mellan 2019 och 2021 gjorde vi tre piloter.", "Ungefär 3 av 10 chefer var positiva.",
        "Vi körde version 2.0 av verktyget.", "Mötet är kl 08.30 varje tisdag.",
        "Kommunen har 10 000 invånare.", "Det tog 18 månader att få tillgång till data.",
        "Kostnaden var 45 000 kr per år och licens.", "Vi har 2-3 personer som kan AI.",
        "Projektet pågick 2022-2025.", "Vi utbildade 250 personer under 2024.",
        "I think 40 % of staff use AI weekly.", "We spent 1 200 000 SEK in 2023.",
        "Around 15-20 people attended each webinar.", "Our 3 year plan starts in 2026.",
        "Projekt nr 4711 i diariet.", "Ärende 2024/123 hos nämnden.",
        "Vi har 1 250 enkätsvar.", "Över 50 000 ärenden per år.",
        "Ledningen saknar mandat.", "GDPR gör allt svårt.", "Data är grunden för allt.",
        "Vi samarbetar med Region Stockholm och SKR.", "Hos oss i Malmö och Lund går det bra.",
        "Microsoft Copilot och ChatGPT testades.", "Vi följer AI-förordningen från EU.",
        "Per person blir det dyrt.", "Telefonmöten varje vecka 1-2 timmar.",
        "Version 1.2.3 släpptes 2024-05-01.", "Postnummer är inte relevant här.",
        "Vi läste 30 rapporter och 12 utredningar.", "Temperaturen i serverhallen var 21 grader.",
        "Svarsfrekvens 63,5 procent.", "Under Q3 2024 ökade användningen med 12 %.",
    ]
    for text in ordinary:
        add((text, "", ""))
    path = Path(__file__).with_name("pii_cases.csv")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "type", "value"])
        writer.writerows(rows)
    print(f"{len(rows)} rows written to {path}")


if __name__ == "__main__":
    main()
