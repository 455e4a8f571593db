"""Consolidated delivery: fleet capacity per delivery day, late overflow, transit losses."""

from __future__ import annotations

import numpy as np

from canteensim.model.population import Bools, Floats


def load_fleet(kg: Floats, capacity_kg: float) -> Floats:
    """Ship loads in array order until the day's fleet capacity is used.

    The load that crosses the capacity ships in part; what does not ship waits for the next
    delivery day.
    """
    before = np.cumsum(kg) - kg
    return np.clip(capacity_kg - before, 0.0, kg)


def transit_loss_share(
    age_days: Floats,
    shelf_life_days: Floats,
    loss_at_shelf_life: Floats,
    perishable: Bools,
) -> Floats:
    """Share of a shipment lost on the way.

    It grows linearly with the goods' age at receipt (days since collection at the farm)
    relative to their shelf life, reaching `loss_at_shelf_life` when age equals shelf life
    (capped at the whole shipment); goods of shelf-stable categories lose nothing.
    """
    share = loss_at_shelf_life * age_days / shelf_life_days
    return np.where(perishable, np.clip(share, 0.0, 1.0), 0.0)
