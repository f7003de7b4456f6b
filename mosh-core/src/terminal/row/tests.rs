//! The row's cluster table against a model: a plain `Vec<Cell>` changed the way each
//! row operation is specified. After every operation the row must show the model's
//! cells and text, and must be `same_cells` with a row built afresh from those cells
//! (the table has no stale or missing entries, so equality stays exact).

use proptest::prelude::*;

use super::Row;
use crate::terminal::cell::{Cell, PackedCell};
use crate::terminal::rendition::{Colour, Rendition};

const WIDTH: usize = 12;

#[derive(Clone, Debug)]
enum Op {
    SetCell(usize, char, bool, u8),
    Append(usize, char),
    PrintAscii(usize, Vec<u8>, u8),
    Put(usize, char, bool, u8),
    Erase(usize, usize, u8),
    Fill(usize, usize, char, u8),
    Insert(usize, usize, u8),
    Delete(usize, usize, u8),
    SetWidth(usize, u8),
    Reset(u8),
    Restyle(u8),
    Wrap(bool),
}

fn rendition(n: u8) -> Rendition {
    Rendition {
        fg: Colour::Indexed(n % 3),
        bg: if n.is_multiple_of(2) {
            Colour::Default
        } else {
            Colour::Indexed(n)
        },
        ..Rendition::default()
    }
}

fn any_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['a', 'b', 'e', ' ', '中', '\u{301}', '\u{308}'])
}

fn any_op() -> impl Strategy<Value = Op> {
    let col = 0..WIDTH + 2;
    prop_oneof![
        (col.clone(), any_char(), any::<bool>(), 0..4u8)
            .prop_map(|(c, ch, w, r)| Op::SetCell(c, ch, w, r)),
        (col.clone(), any_char()).prop_map(|(c, ch)| Op::Append(c, ch)),
        (
            0..WIDTH,
            prop::collection::vec(prop::sample::select(vec![b'x', b'y', b' ', b'\n']), 0..6),
            0..4u8
        )
            .prop_map(|(c, b, r)| Op::PrintAscii(c, b, r)),
        (col.clone(), any_char(), any::<bool>(), 0..4u8)
            .prop_map(|(c, ch, w, r)| Op::Put(c, ch, w, r)),
        (col.clone(), col.clone(), 0..4u8).prop_map(|(a, b, r)| Op::Erase(a, b, r)),
        (col.clone(), col.clone(), any_char(), 0..4u8)
            .prop_map(|(a, b, ch, r)| Op::Fill(a, b, ch, r)),
        (col.clone(), 0..5usize, 0..4u8).prop_map(|(c, n, r)| Op::Insert(c, n, r)),
        (col.clone(), 0..5usize, 0..4u8).prop_map(|(c, n, r)| Op::Delete(c, n, r)),
        (1..WIDTH + 3, 0..4u8).prop_map(|(w, r)| Op::SetWidth(w, r)),
        (0..4u8).prop_map(Op::Reset),
        (0..4u8).prop_map(Op::Restyle),
        any::<bool>().prop_map(Op::Wrap),
    ]
}

/// Applies `op` to the row and, as specified for a plain list of cells, to `model`.
fn apply(row: &mut Row, model: &mut Vec<Cell>, op: &Op) {
    let len = model.len();
    match *op {
        Op::SetCell(col, c, wide, r) => {
            let cell = Cell::with_char(c, wide, rendition(r));
            row.set_cell(col, cell.clone());
            if col < len {
                model[col] = cell;
            }
        }
        Op::Append(col, c) => {
            row.update_cell(col, |cell| cell.append(c));
            if let Some(cell) = model.get_mut(col) {
                cell.append(c);
            }
        }
        Op::PrintAscii(col, ref bytes, r) => {
            let n = row.print_ascii(col, bytes, rendition(r));
            let expected = bytes
                .iter()
                .take(len.saturating_sub(col))
                .take_while(|b| (0x20..0x7F).contains(*b))
                .count();
            assert_eq!(n, expected, "printed count");
            for (i, &b) in bytes[..n].iter().enumerate() {
                model[col + i] = Cell::with_char(char::from(b), false, rendition(r));
            }
        }
        Op::Put(col, c, wide, r) => {
            row.put(col, PackedCell::with_char(c, wide, rendition(r)));
            if col < len {
                model[col] = Cell::with_char(c, wide, rendition(r));
            }
        }
        Op::Erase(from, to, r) => {
            row.erase(from, to, rendition(r));
            for cell in model.iter_mut().take(to).skip(from) {
                *cell = Cell::blank(rendition(r));
            }
        }
        Op::Fill(from, to, c, r) => {
            row.fill(from, to, PackedCell::narrow(c, rendition(r)));
            for cell in model.iter_mut().take(to).skip(from) {
                *cell = Cell::with_char(c, false, rendition(r));
            }
        }
        Op::Insert(col, n, r) => {
            row.insert_cells(col, n, rendition(r));
            if col < len {
                let n = n.min(len - col);
                model[col..].rotate_right(n);
                model[col..col + n]
                    .iter_mut()
                    .for_each(|c| c.reset(rendition(r)));
            }
        }
        Op::Delete(col, n, r) => {
            row.delete_cells(col, n, rendition(r));
            if col < len {
                let n = n.min(len - col);
                model[col..].rotate_left(n);
                model[len - n..]
                    .iter_mut()
                    .for_each(|c| c.reset(rendition(r)));
            }
        }
        Op::SetWidth(width, r) => {
            row.set_width(width, rendition(r));
            if let Some(last) = model.last_mut() {
                last.set_wrap(false);
            }
            model.resize(width, Cell::blank(rendition(r).erased()));
        }
        Op::Reset(r) => {
            row.reset(rendition(r));
            model.iter_mut().for_each(|c| c.reset(rendition(r)));
        }
        Op::Restyle(r) => {
            row.set_rendition(rendition(r));
            model.iter_mut().for_each(|c| c.set_rendition(rendition(r)));
        }
        Op::Wrap(wrap) => {
            row.set_wrapped(wrap);
            if let Some(last) = model.last_mut() {
                last.set_wrap(wrap);
            }
        }
    }
}

fn built_from(cells: &[Cell]) -> Row {
    let mut row = Row::new(cells.len(), Rendition::default());
    for (col, cell) in cells.iter().enumerate() {
        row.set_cell(col, cell.clone());
    }
    row
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_row_behaves_as_a_list_of_cells(ops in prop::collection::vec(any_op(), 1..40)) {
        let mut row = Row::new(WIDTH, Rendition::default());
        let mut model = vec![Cell::default(); WIDTH];
        for op in &ops {
            apply(&mut row, &mut model, op);
            let cells: Vec<Cell> = row.cells().collect();
            prop_assert_eq!(&cells, &model, "after {:?}", op);
            for (col, cell) in model.iter().enumerate() {
                prop_assert_eq!(row.cell(col), Some(cell.clone()));
            }
            let fresh = built_from(&model);
            prop_assert!(row.same_cells(&fresh), "table out of step after {:?}", op);
            prop_assert_eq!(row.text(), fresh.text());
            for n in 0..=model.len() {
                prop_assert!(row.same_cells_before(&fresh, n));
            }
        }
    }
}

#[test]
fn rows_that_differ_only_in_a_cluster_differ() {
    let mut a = Row::new(4, Rendition::default());
    let mut b = Row::new(4, Rendition::default());
    a.set_cell(1, Cell::with_char('e', false, Rendition::default()));
    b.set_cell(1, Cell::with_char('e', false, Rendition::default()));
    a.update_cell(1, |cell| cell.append('\u{301}'));
    b.update_cell(1, |cell| cell.append('\u{308}'));
    assert!(!a.same_cells(&b));
    assert!(a.same_cells_before(&b, 1));
    assert!(!a.same_cells_before(&b, 2));
    assert_ne!(a.cluster_text(1), b.cluster_text(1));
    assert_eq!(a.cluster_text(0), None);
    assert_eq!(a.text(), " e\u{301}");
}
