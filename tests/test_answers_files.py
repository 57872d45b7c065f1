"""lab.answers.parse and lab.answers.read on their own: what a student's file says, read as the
student wrote it (exponents, headers, unknown names, the size limit), with the numbers and line
numbers written out here by hand."""

import json
import time
import tomllib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lab import answers, spec, step


@pytest.fixture(scope="module")
def run():
    return step(spec.lecture())


def one(run, text, fmt="csv"):
    """The only answer in ``text``: its quantity's name and the Answer."""
    (q, a), = answers.parse(text, run, fmt).items()
    return q.text(suffix=False), a


@pytest.mark.parametrize("written, value", [
    ("3.318e-1", 0.3318), ("3318E-4", 0.3318), ("1.2e-3", 0.0012), ("0.5e+1", 5.0),
    ("-4.739e-01", -0.4739), ("−4,739e-1", -0.4739),   # unicode minus and a decimal comma
])
def test_numbers_in_exponent_notation_keep_their_value(run, written, value):
    name, answer = one(run, f'o6,"{written}"\n')  # quoted: a decimal comma inside
    assert name == "o6"
    assert answer.value == pytest.approx(value, rel=1e-15) and answer.problem is None


def test_a_toml_number_in_exponent_notation_is_read_as_written(run):
    name, answer = one(run, "o6 = 4.739e-1\n", "toml")
    assert (name, answer.value) == ("o6", 0.4739)


def test_only_the_first_line_may_be_a_header(run):
    assert one(run, "quantity,value\no6,0.474\n")[0] == "o6"
    read = answers.parse("o6,0.474\nquantity,value\n", run)
    assert read.problems == ["line 2: unknown quantity 'quantity'; names are E, i<j>, o<j>, "
                             "dE_do<j>, delta<j>, grad_<p>, new_<p>, with @<step> for a later "
                             "update (backprop check SPEC --template lists every name)"]


def test_an_unknown_name_after_the_first_line_is_named_not_skipped(run):
    read = answers.parse("o4,0.332\no5,0.525\no9,0.1\n", run)
    assert [q.text(suffix=False) for q in read] == ["o4", "o5"]
    assert read.problems[0].startswith("line 3: unknown quantity 'o9'")
    # on the first line too, when its value is a number (so it is no header)
    read = answers.parse("o9,0.1\no4,0.332\n", run)
    assert read.problems[0].startswith("line 1: unknown quantity 'o9'")
    with pytest.raises(answers.AnswersError, match=r"line 1: unknown quantity 'o9'"):
        answers.parse("o9,0.1\n", run)   # no line could be read


def test_an_answers_file_of_100_000_bytes_is_read_and_one_byte_more_is_not(run, tmp_path):
    # "100 kB" (lab/answers.py's docstring): o6 and comment lines up to exactly 100,000 bytes
    head = "o6,0.474\n"
    at_limit = tmp_path / "at.csv"
    at_limit.write_text(head + "#" * (100_000 - len(head) - 1) + "\n", encoding="ascii")
    assert at_limit.stat().st_size == 100_000
    assert [q.text() for q in answers.read(at_limit, run)] == ["o6@1"]
    over = tmp_path / "over.csv"
    over.write_text(head + "#" * (100_001 - len(head) - 1) + "\n", encoding="ascii")
    with pytest.raises(ValueError, match="may be at most 100,000 bytes"):
        answers.read(over, run)


def test_a_whole_number_of_5000_digits_in_a_toml_file_is_named_not_pythons_message(run):
    with pytest.raises(answers.AnswersError, match="more than 4,300 digits"):
        answers.parse("o4 = " + "1" * 5000 + "\n", run, "toml")
    # in CSV the number reader refuses it as too long: an unreadable answer, the rest read
    read = answers.parse("o4," + "1" * 5000 + "\ni4,-0.7\n", run)
    assert [a.problem for a in read.values()] == ["unreadable", None]


def test_a_toml_problem_is_reported_on_its_own_line_however_the_key_or_value_is_written(run):
    # "o\u0036" is how TOML may spell o6; line 3's problem is named by its line, not "line 0"
    text = 'o4 = 0.332\n"o\\u0036" = 0.474\n"o\\u0035" = { a = 1 }\n'
    got = answers.parse(text, run, "toml")
    assert [a.value for q, a in got.items() if q.key == "o6@1"] == [0.474]
    assert got.problems == ["line 3: o5 is a table; an answers file gives each quantity a number "
                            "(quantity = value, e.g. o6 = 0.474)"]
    # a number written as a string, under a name that is not one: named by its line too
    quoted = answers.parse('o4 = 0.332\ndelta66 = "0.1"\n', run, "toml")
    assert quoted.problems[0].startswith("line 2: unknown quantity 'delta66'")
    # a literal string (single quotes) as the key: line 2's problem is named by its line too
    single = answers.parse("o4 = 0.332\n'o5' = { a = 1 }\n", run, "toml")
    assert single.problems == ["line 2: o5 is a table; an answers file gives each quantity a "
                               "number (quantity = value, e.g. o6 = 0.474)"]
    # a quoted key with an escaped quote in it: named by its line too (it read "line 0")
    escaped = answers.parse('o4 = 0.332\n"o\\"6" = 0.474\n', run, "toml")
    assert escaped.problems[0].startswith("line 2: unknown quantity 'o\"6'")
    # TOML ends lines at \n only: a U+2028 in a comment or key does not start a line; an empty
    # key is a key too
    spaced = answers.parse('o4 = 0.332 # i4\u2028o4\n"" = 1\n\'x\u2028y\' = 2\n', run, "toml")
    assert [p.split(";")[0] for p in spaced.problems] == [
        "line 2: unknown quantity ''", "line 3: unknown quantity 'x\\u2028y'"]  # shown escaped


def test_a_misspelt_name_is_offered_names_written_the_same_way_with_or_without_a_step(run):
    # "delta66": the closest name is delta6 (difflib's ratio 2·6/13), and none offered has "@";
    # "delta6@3": the lecture has one update, so every name offered is one of update 1
    def offered(name):
        problem, = answers.parse(f"{name},0.1\no6,0.474\n", run).problems
        return problem.split("did you mean ")[1].split("?")[0].split(" or ")

    plain = offered("delta66")
    assert plain[0] == "delta6" and not any("@" in n for n in plain)
    # grad_w14, grad_w24, grad_w34 and grad_w46 all differ from it by one letter: the hint
    # keeps to three
    assert len(offered("grad_w4")) == 3
    with_step = offered("delta6@3")
    assert with_step[0] == "delta6@1" and all(n.endswith("@1") for n in with_step)


PER_EPOCH_OF_TWO = """inputs = 1
layers = [1]
lr = 0.5
update = "per-epoch"
[weights]
w12 = 0.5
b2 = 0.0
[[examples]]
x = [1.0]
t = [1.0]
[[examples]]
x = [-1.0]
t = [0.0]
"""


def test_in_a_per_epoch_update_each_examples_numbers_are_named_with_their_example():
    # "@<step>/<example>" (lab/answers.py's docstring): o2 of example 2 is o2@1/2; o2 and o2@1
    # name no number of their own, while the summed gradient is grad_w12 or grad_w12@1
    two = step(spec.loads(PER_EPOCH_OF_TWO))
    read = answers.parse("o2@1/2,0.4\no2,0.6\no2@1,0.6\ngrad_w12,0.1\n", two)
    assert [(q.text(), q.example) for q in read] == [("o2@1/2", 2), ("grad_w12@1", None)]
    assert [p.split(";")[0] for p in read.problems] == ["line 2: unknown quantity 'o2'",
                                                        "line 3: unknown quantity 'o2@1'"]
    assert [q.example for q in answers.parse("grad_w12@1,0.1\n", two)] == [None]


def test_a_per_epoch_update_of_one_example_names_its_numbers_with_or_without_the_example():
    one = step(spec.loads(PER_EPOCH_OF_TWO.rsplit("[[examples]]", 1)[0]))  # example 1 alone
    for name in ("o2@1/1", "o2@1", "o2"):
        (q,) = answers.parse(f"{name},0.6\n", one)
        assert (q.kind, q.name, q.example) == ("o", "2", 1), name



NINETEEN = ["i4", "o4", "i5", "o5", "i6", "o6", "E", "dE_do6", "delta6", "delta4", "delta5",
            "grad_w14", "grad_w15", "grad_w24", "grad_w25", "grad_w34", "grad_w35", "grad_w46",
            "grad_w56"]


def test_the_separator_is_read_from_the_first_twenty_lines(run):
    # a spreadsheet's ";" export is seen in any of the first 20 lines; a ";" only further down
    # (here in line 21) leaves the file comma-separated, so that line alone is unreadable
    lines = "quantity,value\n" + "".join(f"{name},0.1\n" for name in NINETEEN)
    read = answers.parse(lines + "new_w46;-0.26\n", run)
    assert [q.text(suffix=False) for q in read] == NINETEEN
    assert [p.split(";")[0] for p in read.problems] == ["line 21: unknown quantity 'new_w46"]
    # one line earlier (line 20), the ";" makes the file semicolon-separated
    read = answers.parse(lines.replace("grad_w56,0.1\n", "") + "new_w46;-0.26\n", run)
    assert [q.text(suffix=False) for q in read] == ["new_w46"]


def test_a_toml_true_or_list_is_not_a_number_and_is_named_with_its_line(run):
    read = answers.parse("o4 = 0.332\no6 = true\ni4 = [-0.7]\n", run, "toml")
    assert [q.text(suffix=False) for q in read] == ["o4"]
    assert read.problems == ["line 2: o6: not a number: true", "line 3: i4: not a number: [-0.7]"]


def test_a_toml_number_too_big_to_be_finite_is_reported_as_written(run):
    name, answer = one(run, "o6 = 1e400\n", "toml")  # TOML reads it as infinity
    assert (name, answer.value, answer.problem) == ("o6", None, "unreadable")
    assert answer.message == "not a finite number: '1e400'"


def test_a_line_inside_a_toml_multi_line_string_is_not_taken_for_a_key(run):
    # the note's second line looks like o6's; o6 is the 0.474 of line 5 (it was read as 0.1)
    text = 'o4 = 0.332\nnote = """\no6 = 0.1\n"""\no6 = 0.474\nbad = """\nx\n"""\nxx = 1\n'
    read = answers.parse(text, run, "toml")
    assert {q.text(suffix=False): a.value for q, a in read.items()} == {"o4": 0.332, "o6": 0.474}
    assert [p.split(";")[0] for p in read.problems] == [
        "line 2: unknown quantity 'note'", "line 6: unknown quantity 'bad'",
        "line 9: unknown quantity 'xx'"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='o6"\\\' \t#=.[]{}δx-_\u2028\u0085', max_size=6),
       st.sampled_from(["basic", "literal", "bare"]), st.sampled_from(["\n", "\r\n"]))
def test_every_key_toml_reads_is_found_on_its_own_line(key, style, end):
    # quoted with escapes, literal or bare; after a comment and a multi-line string that hold
    # what looks like keys; U+2028 and U+0085 end no TOML line: the key is on line 6
    written = json.dumps(key) if style == "basic" else f"'{key}'" if style == "literal" else key
    text = end.join(["o4 = 0.3", f"# note {key}", 'x = """', "o6 = 9", '"""', f"{written} = 0.5",
                     ""])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)
    keys = set(data) - {"o4", "x"}
    lines = answers._key_lines(text)
    assert {k: lines[k][0] for k in keys} == dict.fromkeys(keys, 6)
    assert {lines[k][1] for k in keys if isinstance(data[k], float)} <= {"0.5"}  # as written


def test_a_toml_number_in_hex_octal_or_binary_is_read_as_its_value(run):
    # TOML's 0x1f, 0o17, 0b1 are whole numbers: the number is TOML's, as written it is not one
    read = answers.parse("E = 0x0\ni4 = 0o0\no6 = 0b1\n", run, "toml")
    assert {q.text(suffix=False): a.value for q, a in read.items()} == {
        "E": 0.0, "i4": 0.0, "o6": 1.0}


def test_reading_a_long_line_of_spaces_grows_in_proportion_to_it(run):
    # a comment after n spaces: the line scan once tried the spaces n² ways (10 s at 20,000);
    # 8 times the spaces must cost far less than the 64 times a square would
    def seconds(n):
        text = " " * n + "# note\no6 = 0.474\n"
        times = []
        for _ in range(5):
            start = time.perf_counter()
            answers.parse(text, run, "toml")
            times.append(time.perf_counter() - start)
        return min(times)

    assert seconds(80_000) / seconds(10_000) < 25
