"""Ordering behaviours, voluntary buyers and compliance propensity, in a run."""

from __future__ import annotations

import datetime as dt

import pytest

WEEK0 = {"start": dt.date(2021, 2, 1), "end": dt.date(2021, 2, 7), "supply": 0.0}
"""No supply reaches the platform in the first week."""


def kg_by_canteen_and_week(res) -> dict[str, list[float]]:
    table = res.deliveries.pivot_table(
        index="week", columns="canteen_id", values="kg", aggfunc="sum", observed=False
    )
    table = table.reindex(range(4)).fillna(0.0)
    return {str(c): [round(x, 9) for x in table[c]] for c in table.columns}


def population(tiny, category: dict | None = None, disruptions: list | None = None):
    return tiny.run(
        categories={"veg": category or tiny.category()},
        disruptions=disruptions,
        canteens=[
            tiny.canteen("EVEN"),
            tiny.canteen("TRACK", behaviour="tracking"),
            tiny.canteen("CATCH", behaviour="catch_up"),
            tiny.canteen("FRONT", behaviour="front_load"),
            tiny.canteen("LOW", behaviour="non_compliant"),
            tiny.canteen("VOL", kind="enterprise", bound=False),
            tiny.canteen("NEVER", compliance=0.0),
        ],
    )


def test_behaviours_with_ample_supply(tiny) -> None:
    got = kg_by_canteen_and_week(population(tiny))
    assert got == {
        "EVEN": [20.0] * 4,  # 20 % of five days' 100 kg
        "TRACK": [20.0] * 4,  # 80 kg for the month over four deliveries, received as planned
        "CATCH": [20.0] * 4,  # 80 kg for the month over four deliveries
        "FRONT": [80.0, 0.0, 0.0, 0.0],  # shelf-stable: the month at its first delivery
        "LOW": [6.0] * 4,  # non_compliant_factor 0.3 × even
        "VOL": [10.0] * 4,  # voluntary_share 10 %
        "NEVER": [0.0] * 4,  # compliance 0: never orders
    }


def test_catch_up_compensates_a_shortfall(tiny) -> None:
    res = population(tiny, disruptions=[WEEK0])
    got = kg_by_canteen_and_week(res)
    assert got["EVEN"] == [0.0, 20.0, 20.0, 20.0]
    assert got["CATCH"] == pytest.approx([0.0, 80 / 3, 80 / 3, 80 / 3])
    assert got["TRACK"] == pytest.approx([0.0, 80 / 3, 80 / 3, 80 / 3])
    assert got["FRONT"] == [0.0, 80.0, 0.0, 0.0]
    compliant = res.canteen_months.query("category == 'veg'").set_index("canteen_id")["compliant"]
    assert not compliant["EVEN"]
    assert compliant["CATCH"]
    assert compliant["TRACK"]
    assert compliant["FRONT"]


def test_front_load_orders_perishables_evenly(tiny) -> None:
    got = kg_by_canteen_and_week(population(tiny, category=tiny.category(perishable=True)))
    assert got["FRONT"] == [20.0] * 4


def test_perishable_catch_up_never_orders_beyond_consumption_to_next_delivery(tiny) -> None:
    res = tiny.run(
        quota__share=1.0,
        ordering__margin=0.5,
        categories={"veg": tiny.category(perishable=True)},
        canteens=[tiny.canteen(behaviour="catch_up")],
        disruptions=[WEEK0],
    )
    # it misses 600 kg after week 0 but never orders more than the 100 kg it eats by Thursday
    assert res.deliveries["kg"].tolist() == pytest.approx([100.0] * 3)


def test_voluntary_share_and_non_compliant_factor_are_settings(tiny) -> None:
    res = tiny.run(
        ordering__voluntary_share=0.05,
        ordering__non_compliant_factor=0.5,
        canteens=[
            tiny.canteen("VOL", kind="enterprise", bound=False),
            tiny.canteen("LOW", behaviour="non_compliant"),
        ],
    )
    assert kg_by_canteen_and_week(res) == {"VOL": [5.0] * 4, "LOW": [10.0] * 4}


def test_compliance_zero_places_no_order(tiny) -> None:
    res = tiny.run(canteens=[tiny.canteen(compliance=0.0)])
    assert len(res.deliveries) == 0
    assert res.weekly_products["ordered_kg"].sum() == 0.0
    assert res.kpis["order_lines"].item() == 0
    assert res.kpis["compliance_rate"].item() == 0.0
    assert res.kpis["total_sales_yuan"].item() == 0.0


def test_margin_raises_bound_orders_only(tiny) -> None:
    res = tiny.run(
        ordering__margin=0.25,
        canteens=[tiny.canteen("K1"), tiny.canteen("VOL", kind="enterprise", bound=False)],
    )
    assert kg_by_canteen_and_week(res) == {"K1": [25.0] * 4, "VOL": [10.0] * 4}


def catch_and_front_to(tiny, end: dt.date) -> dict[str, list[float]]:
    """Delivered kg by day of a catch-up and a front-load canteen from February to `end`."""
    res = tiny.run(
        scenario__end=end,
        disruptions=[WEEK0],
        canteens=[
            tiny.canteen("CATCH", behaviour="catch_up"),
            tiny.canteen("FRONT", behaviour="front_load"),
        ],
    )
    kg = res.deliveries.pivot_table(
        index="delivered_day", columns="canteen_id", values="kg", observed=True
    ).fillna(0.0)
    return {str(c): kg[c].tolist() for c in kg.columns}


def test_catch_up_and_front_load_start_afresh_each_month(tiny) -> None:
    kg = catch_and_front_to(tiny, dt.date(2021, 3, 31))
    march_need = 0.2 * 23 * 20.0  # March 2021 has 23 weekdays, 4 Thursday deliveries
    assert kg["CATCH"] == pytest.approx([80 / 3] * 3 + [march_need / 4] * 4)
    assert kg["FRONT"] == pytest.approx([80.0, 0, 0, march_need, 0, 0, 0])


def test_catch_up_plans_for_the_month_as_the_horizon_cuts_it_front_load_for_the_whole(
    tiny,
) -> None:
    # The horizon ends on Sunday 28 March: its March (1 to 28) has 20 weekdays, 80 kg due,
    # over the same four deliveries. Catch-up plans for the audit period, which the horizon
    # cuts; front-load buys the calendar month's staples (23 weekdays) at once.
    kg = catch_and_front_to(tiny, dt.date(2021, 3, 28))
    assert kg["CATCH"] == pytest.approx([80 / 3] * 3 + [0.2 * 20 * 20.0 / 4] * 4)
    assert kg["FRONT"] == pytest.approx([80.0, 0, 0, 0.2 * 23 * 20.0, 0, 0, 0])
