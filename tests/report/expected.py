"""What a report is expected to hold, in the order it shows it: the report tests check the
figures a run and a comparison write against these lists."""

RUN_FIGURES = [
    "monthly_sales",
    "quota_compliance",
    "failed_audits",
    "weekly_supply",
    "losses",
    "farmer_income",
]
COMPARISON_FIGURES = ["kpis", "monthly_sales_by_setting", "paired_differences", "trade_off"]
