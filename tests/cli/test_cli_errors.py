"""Bad input on the command line: one clear line, exit status 2, no traceback, no results folder.

SPEC §3: the line names the file (and CSV row), the key path, the value and what would be valid.
Every case runs ``canteensim run`` with ``-o`` and checks that nothing was written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from canteensim.cli import main


@pytest.fixture
def run_bad(cli, scenario, out_dir, no_leftovers):
    """``canteensim run SCENARIO -o OUT -q ARGS``, checking that no results were left behind."""

    def run(*args: str | Path, path: Path | None = None):
        outcome = cli("run", path or scenario.toml, "-o", out_dir, "-q", *args)
        no_leftovers(out_dir)
        assert outcome.out == ""
        return outcome

    return run


# --- the scenario file itself -------------------------------------------------------------------


def test_toml_syntax_error_names_file_and_line(run_bad, scenario):
    scenario.replace(scenario.toml, "end = 2020-03-31", "end = ")  # line 4
    line = run_bad().bad_input(str(scenario.toml), "TOML syntax error")
    assert "line 4" in line


def test_toml_syntax_error_further_down_names_its_line(run_bad, scenario):
    scenario.replace(scenario.toml, "vehicles = 1", "vehicles = 1 2")
    number = scenario.toml.read_text(encoding="utf-8").splitlines().index("vehicles = 1 2") + 1
    run_bad().bad_input(str(scenario.toml), "TOML syntax error", f"line {number}")


def test_missing_scenario_file(run_bad, tmp_path):
    missing = tmp_path / "nowhere" / "gone.toml"
    run_bad(path=missing).bad_input(str(missing), "no such file")


def test_missing_scenario_file_on_validate(cli, tmp_path):
    missing = tmp_path / "gone.toml"
    cli("validate", missing).bad_input(str(missing), "no such file")


def test_scenario_that_is_a_folder(run_bad, tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    run_bad(path=folder).bad_input(str(folder))


def test_scenario_not_utf8(run_bad, scenario):
    scenario.toml.write_bytes(SCENARIO_BYTES_LATIN1)
    run_bad().bad_input(str(scenario.toml), "UTF-8")


SCENARIO_BYTES_LATIN1 = '[scenario]\nname = "caf\u00e9"\n'.encode("latin-1")


@pytest.mark.parametrize("table", ["products", "canteens"])
def test_missing_csv_table(run_bad, scenario, table):
    scenario.replace(scenario.toml, f'file = "{table}.csv"', f'file = "no_{table}.csv"')
    line = run_bad().bad_input(
        str(scenario.folder / f"no_{table}.csv"), f"{table}.file", "no such file"
    )
    assert "relative to the scenario file" in line


def test_missing_csv_table_via_set(run_bad, scenario):
    run_bad("--set", "products.file=elsewhere/p.csv").bad_input(
        str(scenario.folder / "elsewhere" / "p.csv"), "products.file", "no such file"
    )


# --- unknown keys -------------------------------------------------------------------------------


def test_unknown_top_level_key_suggests_nearest(run_bad, scenario):
    scenario.append(scenario.toml, "\n[platfrom]\nvehicles = 2\n")
    line = run_bad().bad_input(str(scenario.toml), "platfrom", "unknown key")
    assert "did you mean 'platform'?" in line
    for valid in ("scenario", "quota", "cycle", "categories", "canteens", "disruptions"):
        assert valid in line


def test_unknown_nested_key_suggests_nearest(run_bad, scenario):
    scenario.replace(scenario.toml, "vehicle_capacity_kg = 2500", "vehicle_capacity = 2500")
    line = run_bad().bad_input(str(scenario.toml), "platform.vehicle_capacity", "unknown key")
    assert "did you mean 'vehicle_capacity_kg'?" in line
    assert "commission" in line and "listing_limit" in line  # the valid names are listed


def test_unknown_key_under_a_free_name_suggests_nearest(run_bad, scenario):
    # categories.NAME is a name the user chooses; the keys inside it are fixed
    scenario.replace(scenario.toml, "transit_loss_at_shelf_life", "transit_loss_at_shelflife")
    line = run_bad().bad_input(
        str(scenario.toml), "categories.vegetables.transit_loss_at_shelflife", "unknown key"
    )
    assert "did you mean 'transit_loss_at_shelf_life'?" in line


def test_misspelt_required_key_is_reported_as_unknown_with_nearest(run_bad, scenario):
    scenario.replace(scenario.toml, "perishable = false", "perishble = false")
    line = run_bad().bad_input(str(scenario.toml), "categories.grain.perishble", "unknown key")
    assert "did you mean 'perishable'?" in line


def test_unknown_key_with_no_close_name_lists_the_valid_ones(run_bad, scenario):
    scenario.replace(scenario.toml, "per = ", "zzz = 1\nper = ")
    line = run_bad().bad_input(str(scenario.toml), "quota.zzz", "unknown key")
    assert "did you mean" not in line
    assert "share" in line and "basis" in line and "per" in line


def test_unknown_nested_key_via_set(run_bad, scenario):
    line = run_bad("--set", "quota.shar=0.3").bad_input(
        str(scenario.toml), "--set", "quota.shar", "unknown key"
    )
    assert "did you mean 'share'?" in line


def test_unknown_top_level_key_via_set_names_key_and_nearest(run_bad, scenario):
    line = run_bad("--set", "scenaro.seed=1").bad_input("scenaro", "unknown key")
    assert "did you mean 'scenario'?" in line


def test_unknown_top_level_key_via_set_says_it_came_from_set(run_bad, scenario):
    run_bad("--set", "scenaro.seed=1").bad_input("--set", "scenaro")


# --- wrong types and values out of range --------------------------------------------------------


def test_string_where_a_number_goes(run_bad, scenario):
    scenario.replace(scenario.toml, "vehicles = 1", 'vehicles = "three"')
    run_bad().bad_input(str(scenario.toml), "platform.vehicles = 'three'", "integer")


def test_string_where_a_float_goes_via_set(run_bad, scenario):
    run_bad("--set", "quota.share=high").bad_input(
        str(scenario.toml), "--set", "quota.share = 'high'", "number"
    )


def test_share_above_one_in_file(run_bad, scenario):
    scenario.replace(scenario.toml, "share = 0.2", "share = 1.5")
    line = run_bad().bad_input(str(scenario.toml), "quota.share = 1.5")
    assert "--set" not in line
    assert "less than or equal to 1" in line


def test_share_above_one_via_set(run_bad, scenario):
    run_bad("--set", "quota.share=1.5").bad_input(
        str(scenario.toml), "(with --set)", "quota.share = 1.5", "less than or equal to 1"
    )


def test_share_below_zero_via_set(run_bad, scenario):
    run_bad("--set", "platform.commission=-0.1").bad_input(
        "platform.commission = -0.1", "greater than or equal to 0"
    )


def test_choice_lists_the_valid_values(run_bad, scenario):
    run_bad("--set", "quota.basis=weight").bad_input(
        "quota.basis = 'weight'", "'quantity' or 'value'"
    )


def test_end_before_start(run_bad, scenario):
    scenario.replace(scenario.toml, "end = 2020-03-31", "end = 2020-03-01")
    run_bad().bad_input(str(scenario.toml), "scenario.end = 2020-03-01", "before start=2020-03-02")


def test_end_before_start_via_set(run_bad, scenario):
    run_bad("--set", "scenario.end=2020-02-01").bad_input(
        "(with --set)", "scenario.end = 2020-02-01", "before start=2020-03-02"
    )


def test_end_before_start_caused_by_set_on_start_says_set(run_bad, scenario):
    run_bad("--set", "scenario.start=2020-04-01").bad_input(
        "(with --set)", "scenario.end = 2020-03-31", "before start=2020-04-01"
    )


def test_disruption_end_before_start(run_bad, scenario):
    scenario.append(
        scenario.toml, "\n[[disruptions]]\nstart = 2020-03-10\nend = 2020-03-05\nattendance = 0.5\n"
    )
    run_bad().bad_input(
        str(scenario.toml), "disruptions[0].end = 2020-03-05", "before start=2020-03-10"
    )


def test_required_key_missing(run_bad, scenario):
    scenario.replace(scenario.toml, 'name = "小食堂 tiny"\n', "")
    run_bad().bad_input(str(scenario.toml), "scenario.name", "missing")


# --- categories ---------------------------------------------------------------------------------


def test_inline_product_whose_category_has_no_consumption(run_bad, scenario):
    rows = (
        'rows = [\n  { product_id = "V1", name = "小白菜", cooperative_id = "C1", '
        'category = "vegetables", platform_price_yuan_per_kg = 4.0, '
        "farm_gate_price_yuan_per_kg = 2.5, market_price_yuan_per_kg = 3.5, "
        "shelf_life_days = 3, weekly_capacity_kg = 400 },\n"
        '  { product_id = "M1", name = "黑猪肉", cooperative_id = "C1", '
        'category = "meat", platform_price_yuan_per_kg = 60.0, '
        "farm_gate_price_yuan_per_kg = 40, market_price_yuan_per_kg = 55, "
        "shelf_life_days = 4, weekly_capacity_kg = 100 },\n]"
    )
    scenario.replace(scenario.toml, 'file = "products.csv"', rows)
    line = run_bad().bad_input(
        str(scenario.toml), "products.rows[1].category = 'meat'", "no consumption"
    )
    assert "[categories.meat]" in line
    assert "'grain'" in line and "'vegetables'" in line


def test_csv_product_whose_category_has_no_consumption(run_bad, scenario):
    scenario.replace(scenario.products, "R1,山兰稻米,C1,grain,", "R1,山兰稻米,C1,meat,")
    line = run_bad().bad_input(f"{scenario.products} row 3", "category = 'meat'", "no consumption")
    assert "[categories.meat]" in line
    assert "'grain'" in line and "'vegetables'" in line


def test_generated_product_category_with_no_consumption(run_bad, scenario):
    generate = (
        "[products.generate]\ncount = 2\n"
        "[products.generate.categories.fish]\n"
        'market_price_yuan_per_kg = { dist = "constant", value = 20 }\n'
        'shelf_life_days = { dist = "constant", value = 3 }\n'
        'weekly_capacity_kg = { dist = "uniform", low = 50, high = 100 }\n'
    )
    scenario.replace(scenario.toml, '[products]\nfile = "products.csv"\n', generate)
    line = run_bad().bad_input(
        str(scenario.toml), "products.generate.categories.fish", "no consumption"
    )
    assert "[categories.fish]" in line


# --- CSV tables ---------------------------------------------------------------------------------


def test_csv_missing_column(run_bad, scenario):
    header = scenario.products.read_text(encoding="utf-8").splitlines()[0]
    text = "\n".join(
        ",".join(cell for i, cell in enumerate(row.split(",")) if i != 6)  # market price
        for row in scenario.products.read_text(encoding="utf-8").splitlines()
    )
    assert header.split(",")[6] == "market_price_yuan_per_kg"
    scenario.products.write_text(text + "\n", encoding="utf-8")
    line = run_bad().bad_input(str(scenario.products), "missing column 'market_price_yuan_per_kg'")
    assert "product_id" in line and "weekly_capacity_kg" in line  # the columns it needs


def test_canteens_csv_missing_column(run_bad, scenario):
    scenario.canteens.write_text(
        "canteen_id,name,kind,bound,diners\nG1,食堂,government,true,200\n", encoding="utf-8"
    )
    run_bad().bad_input(str(scenario.canteens), "missing column 'delivery_day'")


def test_csv_empty_file(run_bad, scenario):
    scenario.canteens.write_text("", encoding="utf-8")
    run_bad().bad_input(str(scenario.canteens), "missing column 'canteen_id'")


def test_csv_unknown_column_suggests_nearest(run_bad, scenario):
    scenario.replace(scenario.products, "shelf_life_days,", "shelf_life_day,")
    line = run_bad().bad_input(str(scenario.products), "shelf_life_day", "unknown column")
    assert "did you mean 'shelf_life_days'?" in line
    assert "season_01" in line  # the valid columns are listed


def test_csv_bad_cell_names_file_row_column_and_value(run_bad, scenario):
    scenario.replace(scenario.canteens, ",150,", ",many,")
    run_bad().bad_input(f"{scenario.canteens} row 3", "diners = 'many'", "integer")


def test_csv_share_outside_range_names_row(run_bad, scenario):
    scenario.replace(scenario.canteens, "catch_up,0.5", "catch_up,1.5")
    run_bad().bad_input(
        f"{scenario.canteens} row 3", "compliance = '1.5'", "less than or equal to 1"
    )


def test_csv_with_bom_is_read(cli, scenario):
    # Excel writes UTF-8 with a byte-order mark: the first column name must still be known
    scenario.canteens.write_bytes(b"\xef\xbb\xbf" + scenario.canteens.read_bytes())
    cli("validate", scenario.toml).ok()


def test_csv_row_number_counts_blank_lines(run_bad, scenario):
    scenario.append(scenario.products, "\nF1,鱼,C1,fish,20,10,18,3,50,0.2\n")  # blank line 4
    run_bad().bad_input(f"{scenario.products} row 5", "category = 'fish'")


def test_csv_season_column_is_valid_or_unknown(cli, scenario):
    text = scenario.products.read_text(encoding="utf-8").splitlines()
    rows = [text[0] + ",season", *(row + ",1" for row in text[1:])]
    scenario.products.write_text("\n".join(rows) + "\n", encoding="utf-8")
    outcome = cli("validate", scenario.toml)
    if outcome.code != 0:
        outcome.bad_input("season", "unknown column")


@pytest.mark.parametrize(
    ("file", "old", "new", "row", "key"),
    [
        ("canteens", "E1,某企业食堂", "G1,某企业食堂", 4, "canteen_id = 'G1'"),
        ("products", "R1,山兰稻米", "V1,山兰稻米", 3, "product_id = 'V1'"),
    ],
)
def test_csv_duplicate_id(run_bad, scenario, file, old, new, row, key):
    path = scenario.folder / f"{file}.csv"
    scenario.replace(path, old, new)
    run_bad().bad_input(f"{path} row {row}", key, "duplicate", "unique")


def test_inline_duplicate_cooperative_id(run_bad, scenario):
    scenario.replace(
        scenario.toml,
        'county = "琼中" }]',
        'county = "琼中" }, { cooperative_id = "C1", name = "二社", county = "白沙" }]',
    )
    run_bad().bad_input(
        str(scenario.toml), "cooperatives.rows[1].cooperative_id = 'C1'", "duplicate"
    )


def test_product_of_unknown_cooperative(run_bad, scenario):
    scenario.replace(scenario.products, "R1,山兰稻米,C1,", "R1,山兰稻米,C9,")
    run_bad().bad_input(
        f"{scenario.products} row 3", "cooperative_id = 'C9'", "not in the cooperatives table"
    )


def test_canteen_delivery_day_not_a_delivery_day(run_bad, scenario):
    scenario.replace(scenario.canteens, "150,Fri,", "150,Sat,")
    run_bad().bad_input(
        f"{scenario.canteens} row 3", "delivery_day = 'Sat'", "cycle.delivery_days=['Thu', 'Fri']"
    )


def test_canteen_delivery_day_dropped_from_cycle_via_set(run_bad, scenario):
    run_bad("--set", 'cycle.delivery_days=["Thu"]').bad_input(
        f"{scenario.canteens} row 3", "delivery_day = 'Fri'", "cycle.delivery_days=['Thu']"
    )


# --- --set syntax -------------------------------------------------------------------------------


def test_set_without_equals(run_bad):
    run_bad("--set", "quotashare").bad_input("--set", "quotashare", "KEY=VALUE")


def test_set_with_empty_key_part(run_bad):
    run_bad("--set", "quota..share=0.3").bad_input("--set", "quota..share", "dotted key")


def test_set_with_empty_key_shows_what_was_given(run_bad):
    run_bad("--set", "=0.3").bad_input("--set", "=0.3")


def test_set_below_a_value(run_bad):
    run_bad("--set", "scenario.seed.x=1").bad_input(
        "--set", "scenario.seed.x", "scenario.seed is a value"
    )


def test_set_a_table_to_a_value(run_bad, scenario):
    run_bad("--set", "quota=0.3").bad_input("(with --set)", "quota = 0.3")


# --- the weekly cycle ---------------------------------------------------------------------------


def test_cutoff_before_listing(run_bad, scenario):
    scenario.replace(scenario.toml, 'order_cutoff = "Wed 24:00"', 'order_cutoff = "Mon 07:00"')
    run_bad().bad_input(
        str(scenario.toml), "cycle.order_cutoff = 'Mon 07:00'", "after listing='Mon 08:00'"
    )


def test_cutoff_before_listing_via_set(run_bad, scenario):
    run_bad("--set", "cycle.listing=Thu 08:00").bad_input(
        str(scenario.toml), "cycle.order_cutoff = 'Wed 24:00'", "after listing='Thu 08:00'"
    )


def test_delivery_before_cutoff(run_bad):
    run_bad("--set", 'cycle.delivery_days=["Tue"]').bad_input(
        "cycle.delivery_days = ['Tue']", "before order_cutoff='Wed 24:00'"
    )


def test_delivery_day_repeated(run_bad):
    run_bad("--set", 'cycle.delivery_days=["Thu", "Fri", "Thu"]').bad_input(
        "cycle.delivery_days", "repeats a day"
    )


def test_delivery_day_not_a_weekday(run_bad):
    run_bad("--set", 'cycle.delivery_days=["Thursday"]').bad_input(
        "cycle.delivery_days[0] = 'Thursday'", "'Thu'", "'Mon'", "'Sun'"
    )


def test_cutoff_not_a_weekly_time(run_bad):
    run_bad("--set", "cycle.order_cutoff=Wednesday").bad_input(
        "cycle.order_cutoff = 'Wednesday'", "like 'Mon 08:00'"
    )


def test_cutoff_hour_out_of_range(run_bad, scenario):
    run_bad("--set", "cycle.order_cutoff=Wed 25:00").bad_input(
        "(with --set)", "cycle.order_cutoff = 'Wed 25:00'", "'Wed 24:00'"
    )


def test_lead_days_out_of_range(run_bad):
    run_bad("--set", "cycle.lead_days=0").bad_input(
        "cycle.lead_days = 0", "greater than or equal to 1"
    )


# --- distributions ------------------------------------------------------------------------------


GENERATED_CANTEENS = """[canteens.generate]
count = 4
bound_kinds = ["government"]
diners = {diners}
"""


@pytest.fixture
def generated(scenario):
    """Switch the scenario to generated canteens whose diners distribution a test chooses."""

    def use(diners: str) -> None:
        scenario.replace(
            scenario.toml,
            '[canteens]\nfile = "canteens.csv"\n',
            GENERATED_CANTEENS.format(diners=diners),
        )

    return use


def test_generated_canteens_are_valid(cli, scenario, generated):
    generated('{ dist = "lognormal", mean = 200, cv = 0.3 }')
    assert "4 generated" in cli("validate", scenario.toml).ok().out


@pytest.mark.parametrize(
    ("diners", "parts"),
    [
        (
            '{ dist = "lognormal", mean = -5, cv = 0.5 }',
            ("canteens.generate.diners.mean = -5", "greater than 0"),
        ),
        (
            '{ dist = "lognormal", mean = 5, cv = 0.5, cvv = 1 }',
            ("canteens.generate.diners.cvv", "unknown key", "did you mean 'cv'?"),
        ),
        (
            '{ dist = "lognormal", mean = "big", cv = 0.5 }',
            ("canteens.generate.diners.mean = 'big'", "number"),
        ),
        ('{ dist = "lognormal", mean = 5 }', ("canteens.generate.diners.cv", "missing")),
        (
            '{ dist = "uniform", low = 300, high = 100 }',
            ("canteens.generate.diners.high = 100", "low=300"),
        ),
        (
            '{ dist = "normal", mean = 5 }',
            ("canteens.generate.diners", "'normal'", "'constant'", "'lognormal'", "'uniform'"),
        ),
    ],
    ids=["negative-mean", "typo", "wrong-type", "missing", "uniform-reversed", "unknown-dist"],
)
def test_distribution_with_a_bad_parameter(run_bad, scenario, generated, diners, parts):
    generated(diners)
    run_bad().bad_input(str(scenario.toml), *parts)


# --- a scenario file is data --------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'import pathlib\npathlib.Path(r"{sentinel}").touch()\n',
        '__import__("pathlib").Path(r"{sentinel}").touch()\n',
        'x = __import__("pathlib").Path(r"{sentinel}").touch()\n',
        "[scenario]\nname = \"x\"\nstart = 2020-03-02\nend = eval(\"open(r'{sentinel}', 'w')\")\n",
    ],
    ids=["statements", "expression", "assignment", "value"],
)
def test_python_in_a_scenario_is_a_syntax_error_and_never_runs(run_bad, tmp_path, code):
    sentinel = tmp_path / "EXECUTED"
    path = tmp_path / "code.toml"
    path.write_text(code.format(sentinel=sentinel), encoding="utf-8")
    run_bad(path=path).bad_input(str(path), "TOML syntax error", "line")
    assert not sentinel.exists()


def test_python_in_a_string_value_stays_a_string(cli, scenario, tmp_path, out_dir, summary_of):
    sentinel = tmp_path / "EXECUTED"
    code = f'__import__("pathlib").Path(r"{sentinel}").touch()'
    scenario.replace(scenario.toml, 'name = "小食堂 tiny"', f"name = '{code}'")
    description = f"scenario.description={code}"
    cli("run", scenario.toml, "-o", out_dir, "-q", "--no-report", "--set", description).ok()
    assert not sentinel.exists()
    resolved = summary_of(out_dir)["scenario"]["scenario"]
    assert resolved["name"] == code
    assert resolved["description"] == code


def test_valid_toml_of_the_wrong_shape(run_bad, tmp_path):
    path = tmp_path / "other.toml"
    path.write_text('title = "not a scenario"\n', encoding="utf-8")
    run_bad(path=path).bad_input(str(path))


# --- the command line itself --------------------------------------------------------------------


def test_negative_seed_in_file(run_bad, scenario):
    scenario.replace(scenario.toml, "seed = 7", "seed = -1")
    run_bad().bad_input("scenario.seed = -1", "greater than or equal to 0")


@pytest.mark.parametrize(
    "args",
    [
        ["-r", "0"],
        ["-r", "many"],
        ["--format", "xls"],
        ["--seed", "abc"],
        ["--seed", "-1"],
        ["--bogus"],
    ],
)
def test_bad_options_exit_2_through_argparse(scenario, out_dir, no_leftovers, capsys, args):
    with pytest.raises(SystemExit) as stop:
        main(["run", str(scenario.toml), "-o", str(out_dir), *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.splitlines()  # one line, like every other error
    # an unknown option is the top-level parser's to report
    assert re.fullmatch(r"(canteensim(?: run)?): error: .+; see `\1 --help`", line), line
    no_leftovers(out_dir)


def test_no_command_exits_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_output_folder_under_a_file(cli, scenario, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "out"
    cli("run", scenario.toml, "-o", target, "-q").bad_input(str(target), "cannot be written")
    assert blocker.read_text(encoding="utf-8") == "x"


# --- compare: the same rules for --vary ----------------------------------------------------------


@pytest.fixture
def compare_bad(cli, scenario, out_dir, no_leftovers):
    """``canteensim compare SCENARIO -o OUT -q -r 2 --serial ARGS``, leaving nothing behind."""

    def run(*args: str):
        outcome = cli("compare", scenario.toml, "-o", out_dir, "-q", "-r", "2", "--serial", *args)
        no_leftovers(out_dir)
        return outcome

    return run


def test_compare_vary_without_values(compare_bad):
    compare_bad("--vary", "quota.share").bad_input("--vary", "quota.share", "KEY=V1,V2")


def test_compare_vary_value_out_of_range(compare_bad, scenario):
    compare_bad("--vary", "quota.share=0.1,1.5").bad_input(
        str(scenario.toml), "--vary", "quota.share = 1.5", "less than or equal to 1"
    )


def test_compare_vary_unknown_key(compare_bad, scenario):
    compare_bad("--vary", "quota.shar=0.1,0.2").bad_input(
        "--vary", "quota.shar", "unknown key", "did you mean 'share'?"
    )


def test_compare_vary_twice(compare_bad):
    compare_bad("--vary", "quota.share=0.1", "--vary", "quota.share=0.2").bad_input(
        "--vary", "quota.share", "twice"
    )


def test_compare_bad_scenario(compare_bad, scenario):
    scenario.replace(scenario.toml, "end = 2020-03-31", "end = 2020-02-01")
    compare_bad("--vary", "quota.share=0.1,0.2").bad_input(
        str(scenario.toml), "scenario.end = 2020-02-01"
    )


def test_compare_existing_folder_needs_resume_or_force(cli, scenario, out_dir):
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("mine", encoding="utf-8")
    cli(
        "compare",
        scenario.toml,
        "-o",
        out_dir,
        "-q",
        "-r",
        "2",
        "--serial",
        "--vary",
        "quota.share=0.1,0.2",
    ).bad_input(str(out_dir), "already exists", "--resume", "--force")
    assert sorted(p.name for p in out_dir.iterdir()) == ["keep.txt"]
