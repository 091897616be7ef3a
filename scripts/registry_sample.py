#!/usr/bin/env python3
"""Writes a registry export of N lines (default 100,000) in JMA's CSV format, for the import
benchmark (`make bench-import`): people with one occupational certificate of two or three
five-year periods, one in five with a sports certificate as well. Deterministic."""

import sys

HEADER = ("registry_number,name_kanji,name_kana,birth_date,prefecture,membership,"
          "certification,certificate_number,first_certified,valid_from,valid_until")
FAMILY = [("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"),
          ("田中", "タナカ"), ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("中村", "ナカムラ")]
GIVEN = [("太郎", "タロウ"), ("花子", "ハナコ"), ("健一", "ケンイチ"), ("美咲", "ミサキ"),
         ("誠", "マコト"), ("陽子", "ヨウコ"), ("大輔", "ダイスケ")]


def periods(first_year, count):
    out = []
    for k in range(count):
        start = first_year + 5 * k
        out.append((f"{start}-04-01", f"{start + 5}-03-31"))
    return out


def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = sys.stdout
    out.write(HEADER + "\n")
    written = 0
    person = 0
    while written < target:
        fam, fam_kana = FAMILY[person % len(FAMILY)]
        giv, giv_kana = GIVEN[(person // len(FAMILY)) % len(GIVEN)]
        number = 100_000 + person
        birth = f"{1950 + person % 40}-{1 + person % 12:02d}-{1 + person % 28:02d}"
        prefecture = 1 + person % 47
        membership = "member" if person % 4 else "non_member"
        certs = [("occupational", f"S{number:07d}", 2011 - 5 * (person % 2), 2 + person % 2)]
        if person % 5 == 0:
            certs.append(("sports", f"K{number:07d}", 2016, 2))
        for certification, cert_number, first_year, count in certs:
            for valid_from, valid_until in periods(first_year, count):
                if written >= target:
                    break
                out.write(f"{number},{fam} {giv},{fam_kana} {giv_kana},{birth},{prefecture},"
                          f"{membership},{certification},{cert_number},{first_year}-04-01,"
                          f"{valid_from},{valid_until}\n")
                written += 1
        person += 1


if __name__ == "__main__":
    main()
