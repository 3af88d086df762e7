"""Calculators of the 医療機関等向け総合ポータルサイト (see docs/calculators.md).

- `transitional`: the obligation to confirm online (義務化), its transitional measures (経過措置)
  and a facility's status on a given day;
- `subsidies` with its data table `subsidy_programs`: the grants (補助金) and their conditions;
- `addons`: the 2022 medical-fee add-on 電子的保健医療情報活用加算 and the seed's model cases.

Pure functions over plain values: no database, no files, no clock.
"""
