//! Golden tests of the sampling tables: every cell against a second
//! transcription kept here as text, laid out as the standards print them
//! ("Ac Re", ↓, ↑), parsed apart from the model's encoding; the arrows;
//! the boundary lot sizes; and the switching rules over lot histories.

use super::*;

/// Table I as printed: lot sizes, then the letters for S-1 S-2 S-3 S-4 I II III.
const TABLE_I: &str = "
2 8 A A A A A A B
9 15 A A A A A B C
16 25 A A B B B C D
26 50 A B B C C D E
51 90 B B C C C E F
91 150 B B C D D F G
151 280 B C D E E G H
281 500 B C D E F H J
501 1200 C C E F G J K
1201 3200 C D E G H K L
3201 10000 C D F G J L M
10001 35000 C D F H K M N
35001 150000 D E G J L N P
150001 500000 D E G J M P Q
500001 - D E H K N Q R";

const SAMPLES: &str =
    "A 2 B 3 C 5 D 8 E 13 F 20 G 32 H 50 J 80 K 125 L 200 M 315 N 500 P 800 Q 1250 R 2000 S 3150";
const REDUCED_SAMPLES: &str =
    "A 2 B 2 C 2 D 3 E 5 F 8 G 13 H 20 J 32 K 50 L 80 M 125 N 200 P 315 Q 500 R 800";
const AQL_HEADER: &str = "0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 10 15 25 40 65 100 150 250 400 650 1000";

const NORMAL_GRID: &str = "
A | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31
B | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45
C | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑
D | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑ | ↑
E | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | 30 31 | 44 45 | ↑ | ↑ | ↑
F | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R | ↑ | ↑ | 1 2 | 2 3 | 3 4 | 5 6 | 7 8 | 10 11 | 14 15 | 21 22 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑";

const TIGHTENED_GRID: &str = "
A | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28
B | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↓ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42
C | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑
D | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑ | ↑
E | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | 27 28 | 41 42 | ↑ | ↑ | ↑
F | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M | ↓ | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N | ↓ | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P | ↓ | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q | ↓ | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R | 0 1 | ↑ | ↓ | 1 2 | 2 3 | 3 4 | 5 6 | 8 9 | 12 13 | 18 19 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
S |  |  | 1 2 |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |  | ";

const REDUCED_Z14_GRID: &str = "
A | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | 14 17
B | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | 14 17 | 21 24
C | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | 14 17 | 21 24 | ↑
D | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | 14 17 | 21 24 | ↑ | ↑
E | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | 14 17 | 21 24 | ↑ | ↑ | ↑
F | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
G | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
H | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
J | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
K | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
L | ↓ | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
M | ↓ | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
N | ↓ | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
P | ↓ | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
Q | ↓ | ↓ | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑
R | 0 1 | 0 1 | 0 2 | 1 3 | 1 4 | 2 5 | 3 6 | 5 8 | 7 10 | 10 13 | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑ | ↑";

/// A cell of a grid as printed: "Ac Re", "↓", "↑" or empty.
#[derive(Debug, PartialEq)]
enum Printed {
    Plan(u32, u32),
    Down,
    Up,
    Empty,
}

fn printed(cell: &str) -> Printed {
    match cell.trim() {
        "↓" => Printed::Down,
        "↑" => Printed::Up,
        "" => Printed::Empty,
        pair => {
            let mut it = pair.split_whitespace().map(|n| n.parse::<u32>().unwrap());
            Printed::Plan(it.next().unwrap(), it.next().unwrap())
        }
    }
}

/// Rows of a grid: (letter, cells).
fn rows(grid: &str) -> Vec<(String, Vec<Printed>)> {
    grid.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cells = l.split('|');
            let letter = cells.next().unwrap().trim().to_string();
            (letter, cells.map(printed).collect())
        })
        .collect()
}

fn same(model: Cell, golden: &Printed) -> bool {
    match (model, golden) {
        (Cell::Plan(a, r), Printed::Plan(ga, gr)) => a == *ga && r == *gr,
        (Cell::Down, Printed::Down) | (Cell::Up, Printed::Up) | (Cell::Blank, Printed::Empty) => {
            true
        }
        _ => false,
    }
}

fn check_every_cell(name: &str, model: &[[Cell; 26]], grid: &str) {
    let golden = rows(grid);
    assert_eq!(golden.len(), model.len(), "{name}: rows");
    let mut wrong = Vec::new();
    for (r, (letter, cells)) in golden.iter().enumerate() {
        assert_eq!(letter, LETTERS[r], "{name}: row {r}");
        assert_eq!(
            cells.len(),
            26,
            "{name}: row {letter} has {} cells",
            cells.len()
        );
        for (c, cell) in cells.iter().enumerate() {
            if !same(model[r][c], cell) {
                wrong.push(format!(
                    "{letter} at AQL {}: model {:?}, golden {cell:?}",
                    AQLS[c], model[r][c]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
}

#[test]
fn every_cell_of_the_normal_table() {
    check_every_cell("Table II-A", &NORMAL, NORMAL_GRID);
}

#[test]
fn every_cell_of_the_tightened_table() {
    check_every_cell("Table II-B", &TIGHTENED, TIGHTENED_GRID);
}

#[test]
fn every_cell_of_the_reduced_table() {
    check_every_cell("Table II-C", &REDUCED_Z14, REDUCED_Z14_GRID);
}

#[test]
fn the_aql_columns_are_the_preferred_aqls() {
    let header: Vec<&str> = AQL_HEADER.split_whitespace().collect();
    assert_eq!(header, AQLS.to_vec());
    for (i, a) in header.iter().enumerate() {
        assert_eq!(aql_index(a.parse().unwrap()), Some(i), "{a}");
    }
    assert_eq!(aql_index(1.2), None);
    assert_eq!(aql_index(0.0), None);
}

#[test]
fn sample_sizes_of_each_letter() {
    let pairs = |s: &str| -> Vec<(String, u32)> {
        let words: Vec<&str> = s.split_whitespace().collect();
        words
            .chunks(2)
            .map(|p| (p[0].to_string(), p[1].parse().unwrap()))
            .collect()
    };
    for (i, (letter, n)) in pairs(SAMPLES).into_iter().enumerate() {
        assert_eq!((LETTERS[i], SAMPLE_SIZES[i]), (letter.as_str(), n));
    }
    for (i, (letter, n)) in pairs(REDUCED_SAMPLES).into_iter().enumerate() {
        assert_eq!((LETTERS[i], REDUCED_SAMPLE_SIZES[i]), (letter.as_str(), n));
    }
}

/// Every lot size row at both of its ends and every level.
#[test]
fn every_cell_of_table_i_at_both_ends_of_each_row() {
    for line in TABLE_I.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let lo: u64 = words[0].parse().unwrap();
        let hi: u64 = words[1].parse().unwrap_or(u64::MAX);
        for (k, level) in Level::ALL.into_iter().enumerate() {
            let want = words[2 + k];
            for size in [lo, lo + 1, hi - 1, hi] {
                assert_eq!(
                    LETTERS[code_letter(size, level)],
                    want,
                    "lot of {size} at level {}",
                    level.as_str()
                );
            }
        }
    }
}

#[test]
fn boundary_lot_sizes() {
    let at = |size, level| LETTERS[code_letter(size, level)];
    assert_eq!((at(8, Level::II), at(9, Level::II)), ("A", "B"));
    assert_eq!((at(500, Level::II), at(501, Level::II)), ("H", "J"));
    assert_eq!((at(500_000, Level::II), at(500_001, Level::II)), ("P", "Q"));
    assert_eq!((at(8, Level::III), at(9, Level::III)), ("B", "C"));
    assert_eq!((at(500, Level::I), at(501, Level::I)), ("F", "G"));
    assert_eq!((at(500_000, Level::S4), at(500_001, Level::S4)), ("J", "K"));
    // A lot of one reads the first row.
    assert_eq!(at(1, Level::II), "A");
}

fn plan(
    sev: Severity,
    std: Standard,
    size: u64,
    level: Level,
    aql: f64,
) -> (String, u32, u32, u32) {
    let p = lot_plan(std, level, sev, size, &[(None, aql_index(aql).unwrap())]).unwrap();
    let c = &p.classes[0];
    (c.letter.clone(), c.sample, c.ac, c.re)
}

#[test]
fn a_lot_of_1200_at_aql_1_level_ii() {
    let p = lot_plan(
        Standard::Z14,
        Level::II,
        Severity::Normal,
        1200,
        &[(None, aql_index(1.0).unwrap())],
    )
    .unwrap();
    assert_eq!(p.code_letter, "J");
    assert_eq!(p.sample, 80);
    assert_eq!((p.classes[0].ac, p.classes[0].re), (2, 3));
    assert_eq!(
        plan(Severity::Tightened, Standard::Z14, 1200, Level::II, 1.0),
        ("J".into(), 80, 1, 2)
    );
    assert_eq!(
        plan(Severity::Reduced, Standard::Z14, 1200, Level::II, 1.0),
        ("J".into(), 32, 1, 3)
    );
    assert_eq!(
        plan(Severity::Reduced, Standard::Iso2859_1, 1200, Level::II, 1.0),
        ("J".into(), 32, 1, 2)
    );
}

#[test]
fn arrows_take_the_plan_and_its_sample_size() {
    // ↓ twice from A at AQL 10: C's plan, 5 units.
    assert_eq!(
        resolve(&NORMAL, 0, 15),
        Some(Resolved {
            row: 2,
            ac: 1,
            re: 2
        })
    );
    // ↑ from B at 6.5: A's plan, 2 units.
    assert_eq!(
        resolve(&NORMAL, 1, 14),
        Some(Resolved {
            row: 0,
            ac: 0,
            re: 1
        })
    );
    // ↑ twice from R at 0.015 (no row below R): P's plan, 800 units.
    assert_eq!(
        resolve(&NORMAL, 15, 1),
        Some(Resolved {
            row: 13,
            ac: 0,
            re: 1
        })
    );
    // ↓ from H at 0.65 to J's 1 2.
    assert_eq!(
        resolve(&NORMAL, 7, 9),
        Some(Resolved {
            row: 8,
            ac: 1,
            re: 2
        })
    );
    // ↑ from K at AQL 25 up to H's 21 22.
    assert_eq!(
        resolve(&NORMAL, 9, 17),
        Some(Resolved {
            row: 7,
            ac: 21,
            re: 22
        })
    );
    // Tightened R at 0.025 goes down to S: 3150 units.
    assert_eq!(
        resolve(&TIGHTENED, 15, 2),
        Some(Resolved {
            row: 16,
            ac: 1,
            re: 2
        })
    );
    assert_eq!(
        plan(
            Severity::Tightened,
            Standard::Z14,
            600_000,
            Level::III,
            0.025
        ),
        ("S".into(), 3150, 1, 2)
    );
    // Reduced D (a lot of 50) at 1.0 goes down to the 0 1 of G: 13 units.
    assert_eq!(
        plan(Severity::Reduced, Standard::Z14, 50, Level::II, 1.0),
        ("G".into(), 13, 0, 1)
    );
    // A plan leading off the table, or from a blank cell, is none.
    assert_eq!(resolve(&TIGHTENED, 16, 0), None);
    assert_eq!(resolve(&NORMAL, 20, 0), None);
}

#[test]
fn every_arrow_of_every_table_reaches_a_plan() {
    for (name, t) in [
        ("normal", &NORMAL[..]),
        ("tightened", &TIGHTENED[..]),
        ("reduced", &REDUCED_Z14[..]),
    ] {
        // Row S of the tightened table holds one plan only.
        for (r, letter) in LETTERS.iter().enumerate().take(t.len().min(16)) {
            for (c, aql) in AQLS.iter().enumerate() {
                assert!(resolve(t, r, c).is_some(), "{name} {letter} {aql}");
            }
        }
    }
}

#[test]
fn a_sample_as_large_as_the_lot_is_every_unit() {
    // Lot of 3 at level II is code letter A (2 units), but AQL 0.10 points
    // down to 125 units: every unit of the lot.
    let p = lot_plan(
        Standard::Z14,
        Level::II,
        Severity::Normal,
        3,
        &[(None, aql_index(0.10).unwrap())],
    )
    .unwrap();
    assert_eq!(p.sample, 3);
    assert!(p.hundred_percent);
    assert_eq!((p.classes[0].ac, p.classes[0].re), (0, 1));
}

#[test]
fn classes_each_get_their_plan_and_the_largest_sample_is_drawn() {
    let p = lot_plan(
        Standard::Iso2859_1,
        Level::II,
        Severity::Normal,
        1200,
        &[
            (Some(DefectClass::Critical), aql_index(0.10).unwrap()),
            (Some(DefectClass::Major), aql_index(1.0).unwrap()),
            (Some(DefectClass::Minor), aql_index(4.0).unwrap()),
        ],
    )
    .unwrap();
    let got: Vec<_> = p
        .classes
        .iter()
        .map(|c| (c.letter.as_str(), c.sample, c.ac, c.re))
        .collect();
    assert_eq!(
        got,
        vec![("K", 125, 0, 1), ("J", 80, 2, 3), ("J", 80, 7, 8)]
    );
    assert_eq!(p.sample, 125);
}

#[test]
fn limit_numbers_from_their_definition() {
    // Too few units: the table's `*`.
    assert_eq!(limit_number(19, aql_index(100.0).unwrap()), None);
    assert_eq!(limit_number(20, aql_index(10.0).unwrap()), None);
    assert_eq!(limit_number(20, aql_index(15.0).unwrap()), Some(0));
    assert_eq!(limit_number(29, aql_index(1000.0).unwrap()), Some(181));
    // 800 units from 10 lots of 80 at AQL 1.0: a mean of 8.
    assert_eq!(limit_number(800, aql_index(1.0).unwrap()), Some(4));
}

fn lot(sev: Severity, accepted: bool, ac: u32, re: u32, found: u32) -> History {
    History::Lot {
        severity: sev,
        accepted,
        classes: vec![ClassOutcome {
            column: aql_index(1.0).unwrap(),
            row: 8,
            sample: 80,
            ac,
            re,
            nonconforming: found,
        }],
    }
}

fn ok(sev: Severity) -> History {
    lot(sev, true, 2, 3, 0)
}
fn bad(sev: Severity) -> History {
    lot(sev, false, 2, 3, 3)
}

use Severity::{Discontinued, Normal, Reduced, Tightened};

#[test]
fn two_rejected_of_five_go_to_tightened() {
    let h = vec![ok(Normal), bad(Normal), ok(Normal), ok(Normal), ok(Normal)];
    assert_eq!(switch_state(Standard::Z14, &h).severity, Normal);
    let mut h2 = h.clone();
    h2.push(ok(Normal));
    h2.push(bad(Normal));
    // The first rejection is six lots back: still normal.
    assert_eq!(switch_state(Standard::Z14, &h2).severity, Normal);
    let h3 = vec![ok(Normal), bad(Normal), ok(Normal), ok(Normal), bad(Normal)];
    let s = switch_state(Standard::Z14, &h3);
    assert_eq!(s.severity, Tightened);
    assert!(s.reason.contains("2 of the last 5"), "{}", s.reason);
}

#[test]
fn tightened_back_to_normal_after_five_accepted() {
    let mut h = vec![bad(Normal), bad(Normal)];
    for _ in 0..4 {
        h.push(ok(Tightened));
    }
    assert_eq!(switch_state(Standard::Iso2859_1, &h).severity, Tightened);
    h.push(ok(Tightened));
    assert_eq!(switch_state(Standard::Iso2859_1, &h).severity, Normal);
    // A rejection on tightened starts the five again.
    let mut h = vec![bad(Normal), bad(Normal)];
    h.extend([ok(Tightened), ok(Tightened), ok(Tightened), ok(Tightened)]);
    h.push(bad(Tightened));
    h.extend([ok(Tightened), ok(Tightened), ok(Tightened), ok(Tightened)]);
    assert_eq!(switch_state(Standard::Z14, &h).severity, Tightened);
    h.push(ok(Tightened));
    assert_eq!(switch_state(Standard::Z14, &h).severity, Normal);
}

#[test]
fn five_rejected_on_tightened_discontinue_until_a_corrective_action() {
    let mut h = vec![bad(Normal), bad(Normal)];
    for _ in 0..4 {
        h.push(bad(Tightened));
        h.push(ok(Tightened));
    }
    assert_eq!(switch_state(Standard::Z14, &h).severity, Tightened);
    h.push(bad(Tightened));
    assert_eq!(switch_state(Standard::Z14, &h).severity, Discontinued);
    // An approval of reduced does nothing here.
    h.push(History::ReducedApproved);
    assert_eq!(switch_state(Standard::Z14, &h).severity, Discontinued);
    h.push(History::CorrectiveAction);
    let s = switch_state(Standard::Z14, &h);
    assert_eq!(s.severity, Tightened);
    // Back to normal by the usual five.
    for _ in 0..5 {
        h.push(ok(Tightened));
    }
    assert_eq!(switch_state(Standard::Z14, &h).severity, Normal);
}

#[test]
fn z14_reduced_after_ten_accepted_within_the_limit_number_and_an_approval() {
    let mut h: Vec<History> = (0..9).map(|_| lot(Normal, true, 2, 3, 0)).collect();
    h.push(History::ReducedApproved);
    assert_eq!(switch_state(Standard::Z14, &h).severity, Normal);
    h.push(lot(Normal, true, 2, 3, 1));
    let s = switch_state(Standard::Z14, &h);
    assert!(s.reduced_allowed);
    assert_eq!(s.severity, Normal, "not without an approval");
    h.push(History::ReducedApproved);
    assert_eq!(switch_state(Standard::Z14, &h).severity, Reduced);
    // Z1.4 8.3.4: accepted with more than Ac (the gap 1 3): back to normal.
    let mut g = h.clone();
    g.push(lot(Reduced, true, 1, 3, 2));
    let s = switch_state(Standard::Z14, &g);
    assert_eq!(s.severity, Normal);
    assert!(s.reason.contains("8.3.4"), "{}", s.reason);
    // Rejected on reduced: back to normal.
    let mut g = h.clone();
    g.push(lot(Reduced, false, 1, 3, 3));
    assert_eq!(switch_state(Standard::Z14, &g).severity, Normal);
}

#[test]
fn z14_limit_number_exceeded_keeps_normal() {
    // 10 lots of 80 at AQL 1.0: 800 units, limit number 4; 5 found.
    let mut h: Vec<History> = (0..5).map(|_| lot(Normal, true, 2, 3, 1)).collect();
    h.extend((0..5).map(|_| lot(Normal, true, 2, 3, 0)));
    h.push(History::ReducedApproved);
    let s = switch_state(Standard::Z14, &h);
    assert_eq!(s.severity, Normal);
    assert!(!s.reduced_allowed);
}

#[test]
fn iso_switching_score_reaches_30() {
    // Ac 2: +3 when the lot would pass at the next tighter AQL (Ac 1 at
    // J for 0.65): 0 or 1 nonconforming.
    let mut h: Vec<History> = (0..9).map(|_| lot(Normal, true, 2, 3, 1)).collect();
    let s = switch_state(Standard::Iso2859_1, &h);
    assert_eq!(s.switching_score, Some(27));
    // Accepted with 2: would not have passed at 0.65; the score starts again.
    h.push(lot(Normal, true, 2, 3, 2));
    assert_eq!(
        switch_state(Standard::Iso2859_1, &h).switching_score,
        Some(0)
    );
    h.extend((0..10).map(|_| lot(Normal, true, 2, 3, 0)));
    let s = switch_state(Standard::Iso2859_1, &h);
    assert_eq!(s.switching_score, Some(30));
    assert!(s.reduced_allowed);
    h.push(History::ReducedApproved);
    assert_eq!(switch_state(Standard::Iso2859_1, &h).severity, Reduced);
    // ISO has no gap on reduced; a rejection goes back to normal.
    h.push(lot(Reduced, false, 1, 2, 2));
    let s = switch_state(Standard::Iso2859_1, &h);
    assert_eq!(s.severity, Normal);
    assert_eq!(s.switching_score, Some(0));
}

#[test]
fn iso_score_with_ac_0_or_1_adds_2() {
    let h: Vec<History> = (0..15).map(|_| lot(Normal, true, 0, 1, 0)).collect();
    assert_eq!(
        switch_state(Standard::Iso2859_1, &h).switching_score,
        Some(30)
    );
    let mut h: Vec<History> = (0..14).map(|_| lot(Normal, true, 1, 2, 1)).collect();
    assert_eq!(
        switch_state(Standard::Iso2859_1, &h).switching_score,
        Some(28)
    );
    h.push(lot(Normal, false, 1, 2, 2));
    assert_eq!(
        switch_state(Standard::Iso2859_1, &h).switching_score,
        Some(0)
    );
}

#[test]
fn lots_inspected_before_a_switch_do_not_move_the_new_severity() {
    // Two rejections put the supplier on tightened; a lot opened on normal
    // before that closes afterwards and counts for nothing.
    let h = vec![bad(Normal), bad(Normal), ok(Normal), ok(Tightened)];
    let s = switch_state(Standard::Z14, &h);
    assert_eq!(s.severity, Tightened);
}
