#!/usr/bin/env bash
# Rebuild the committed reports of the shipped scenarios: bash reports/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
canteensim run scenarios/hainan_2020.toml -o reports/hainan_2020 --force -q
canteensim run scenarios/hainan_2020_consumers.toml -o reports/hainan_2020_consumers --force -q
canteensim compare scenarios/hainan_2020.toml --vary quota.share=0,0.1,0.2,0.3,0.4 -r 30 \
    -o reports/hainan_2020_quota --force -q
