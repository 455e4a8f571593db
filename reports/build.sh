#!/usr/bin/env bash
# Rebuild the committed reports of the shipped scenarios: bash reports/build.sh (about 2 min)
set -euo pipefail
cd "$(dirname "$0")/.."
canteensim run scenarios/hainan_2020.toml -o reports/hainan_2020 --force -q
canteensim report reports/hainan_2020 --lang zh -q      # the Chinese report beside the English
canteensim run scenarios/hainan_2020_consumers.toml -o reports/hainan_2020_consumers --force -q
canteensim compare scenarios/hainan_2020.toml --vary quota.share=0,0.1,0.2,0.3,0.4 -r 30 \
    -o reports/hainan_2020_quota --force -q
canteensim search scenarios/hainan_2020.toml --param quota.share --range 0:0.5 \
    --target "monthly_sales_yuan_mean >= 310000" --target "fill_rate >= 0.95" \
    -o reports/hainan_2020_search --force -q
canteensim sensitivity scenarios/hainan_2020.toml --method sobol -n 128 --second-order \
    -o reports/hainan_2020_sensitivity --force -q
