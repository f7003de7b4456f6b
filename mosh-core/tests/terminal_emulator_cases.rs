//! Behaviour cases of section A (emulator) in shared/docs/behaviour-cases.md: every
//! case's screen, cursor, pending-wrap flag and the state it lists.

mod terminal_support;

use mosh_core::terminal::{Attributes, Colour, Emulator, Framebuffer, Rendition};
use terminal_support::{assert_screen, run};

#[track_caller]
fn check(emu: &Emulator, rows: &[&str], cursor: (usize, usize), pending_wrap: bool) {
    let fb = emu.framebuffer();
    assert_screen(fb, rows);
    assert_eq!(fb.cursor(), cursor, "cursor");
    assert_eq!(fb.pending_wrap(), pending_wrap, "pending wrap");
}

fn case(w: usize, h: usize, input: &[u8], rows: &[&str], cursor: (usize, usize)) -> Emulator {
    let emu = run(w, h, input);
    check(&emu, rows, cursor, false);
    emu
}

fn cell(fb: &Framebuffer, row: usize, col: usize) -> mosh_core::terminal::Cell {
    fb.cell(row, col).unwrap()
}

fn bg(n: u8) -> Rendition {
    Rendition {
        bg: Colour::Indexed(n),
        ..Rendition::default()
    }
}

fn attrs(list: &[Attributes]) -> Rendition {
    let mut r = Rendition::default();
    for &a in list {
        r.attrs.set(a, true);
    }
    r
}

#[test]
fn e1_plain_text_and_crlf() {
    case(
        10,
        3,
        b"hi\r\nthere",
        &["hi········", "there·····", "··········"],
        (1, 5),
    );
}

#[test]
fn e2_last_column_sets_pending_wrap_only() {
    let emu = run(8, 3, b"12345678");
    check(&emu, &["12345678", "········", "········"], (0, 7), true);
    assert!(!emu.framebuffer().rows()[0].is_wrapped());
}

#[test]
fn e4_full_row_then_crlf() {
    case(
        8,
        3,
        b"ABCDEFGH\r\nI",
        &["ABCDEFGH", "I·······", "········"],
        (1, 1),
    );
}

#[test]
fn e5_bel_clears_pending_wrap() {
    let emu = run(5, 2, b"vwxyz\x07Q");
    check(&emu, &["vwxyQ", "·····"], (0, 4), true);
    assert_eq!(emu.framebuffer().bell_count(), 1);
}

#[test]
fn e6_sgr_keeps_pending_wrap() {
    let emu = case(5, 2, b"vwxyz\x1b[4mQ", &["vwxyz", "Q····"], (1, 1));
    let fb = emu.framebuffer();
    assert!(fb.rows()[0].is_wrapped());
    assert_eq!(fb.pen(), attrs(&[Attributes::UNDERLINE]));
    assert_eq!(cell(fb, 1, 0).rendition(), attrs(&[Attributes::UNDERLINE]));
}

#[test]
fn e7_autowrap_off_overwrites_last_column() {
    let emu = run(6, 2, b"\x1b[?7lmonkeys!");
    check(&emu, &["monke!", "······"], (0, 5), true);
    assert!(!emu.framebuffer().autowrap());
}

#[test]
fn e9_del_is_ignored() {
    case(5, 2, b"ab\x7fc", &["abc··", "·····"], (0, 3));
}

#[test]
fn u1_wide_character() {
    let emu = case(6, 2, "日x".as_bytes(), &["日·x···", "······"], (0, 3));
    assert!(cell(emu.framebuffer(), 0, 0).is_wide());
}

#[test]
fn u2_wide_that_does_not_fit_wraps_unmarked() {
    let emu = case(
        6,
        3,
        "12345日".as_bytes(),
        &["12345·", "日·····", "······"],
        (1, 2),
    );
    let fb = emu.framebuffer();
    assert!(cell(fb, 1, 0).is_wide());
    assert!(!fb.rows()[0].is_wrapped());
}

#[test]
fn u3_wide_filling_the_row() {
    let emu = case(
        6,
        3,
        "1234日Z".as_bytes(),
        &["1234日·", "Z·····", "······"],
        (1, 1),
    );
    let fb = emu.framebuffer();
    assert!(cell(fb, 0, 4).is_wide());
    assert!(fb.rows()[0].is_wrapped());
}

#[test]
fn u5_combining_at_row_start_is_fallback() {
    let emu = case(
        6,
        3,
        b"xy\r\n\xcc\x83z",
        &["xy····", "\u{303}z····", "······"],
        (1, 2),
    );
    let c = cell(emu.framebuffer(), 1, 0);
    assert!(c.is_fallback());
    assert_eq!(c.grapheme(), "\u{a0}\u{303}");
}

#[test]
fn u6_combining_after_cr_attaches_to_column_0() {
    case(6, 2, b"no\r\xcc\x81", &["n\u{301}o····", "······"], (0, 0));
}

#[test]
fn u7_emoji_is_wide() {
    let emu = case(6, 2, b"\xf0\x9f\x8d\x95!", &["🍕·!···", "······"], (0, 3));
    assert!(cell(emu.framebuffer(), 0, 0).is_wide());
}

#[test]
fn u8_variation_selector_joins_narrow_base() {
    let emu = case(
        6,
        2,
        b"\xe2\x98\x8e\xef\xb8\x8fk",
        &["☎\u{fe0f}k····", "······"],
        (0, 2),
    );
    assert!(!cell(emu.framebuffer(), 0, 0).is_wide());
}

#[test]
fn u10_invalid_utf8_is_replacement() {
    case(
        10,
        2,
        b"p\xfeq\xe2\x82r",
        &["p�q�r·····", "··········"],
        (0, 5),
    );
}

#[test]
fn u11_utf8_encoded_c1_csi_acts_as_csi() {
    case(8, 2, b"abcd\xc2\x9b3Dz", &["azcd····", "········"], (0, 2));
}

#[test]
fn u12_raw_c1_byte_is_invalid_utf8() {
    case(8, 2, b"ab\x85c", &["ab�c····", "········"], (0, 4));
}

#[test]
fn u13_narrow_over_left_half_of_wide() {
    let emu = case(
        6,
        2,
        "日\x1b[1;1HQ".as_bytes(),
        &["Q·····", "······"],
        (0, 1),
    );
    assert!(!cell(emu.framebuffer(), 0, 0).is_wide());
}

#[test]
fn u15_combining_after_erase() {
    let emu = case(
        6,
        2,
        b"k\x1b[1J\xcc\xa3",
        &["\u{323}·····", "······"],
        (0, 2),
    );
    assert!(cell(emu.framebuffer(), 0, 0).is_fallback());
}

#[test]
fn c1_cup_clamps() {
    let emu = run(10, 4, b"\x1b[50;50HZ");
    let rows = ["··········", "··········", "··········", "·········Z"];
    check(&emu, &rows, (3, 9), true);
}

#[test]
fn c2_cuu_ignores_region_without_origin_mode() {
    let emu = case(
        10,
        4,
        b"r0\r\nr1\r\nr2\r\nr3\x1b[2;3r\x1b[3;1H\x1b[9A*",
        &["*0········", "r1········", "r2········", "r3········"],
        (0, 1),
    );
    assert_eq!(emu.framebuffer().scroll_region(), (1, 2));
}

#[test]
fn c3_decset6_homes_absolute_then_print_snaps_into_region() {
    let emu = case(
        10,
        4,
        b"\x1b[2;4r\x1b[?6h*+",
        &["*·········", "·+········", "··········", "··········"],
        (1, 2),
    );
    assert!(emu.framebuffer().origin_mode());
    assert_eq!(emu.framebuffer().scroll_region(), (1, 3));
}

#[test]
fn c5_decrst6_homes_to_region_top() {
    let emu = case(
        10,
        4,
        b"\x1b[2;4r\x1b[?6h\x1b[?6l*",
        &["··········", "*·········", "··········", "··········"],
        (1, 1),
    );
    assert_eq!(emu.framebuffer().scroll_region(), (1, 3));
    assert!(!emu.framebuffer().origin_mode());
}

#[test]
fn c6_zero_and_huge_parameters_mean_default() {
    case(
        10,
        4,
        b"\x1b[3;5H\x1b[0A1\x1b[70000D2",
        &["··········", "····2·····", "··········", "··········"],
        (1, 5),
    );
}

#[test]
fn c7_private_marker_after_digit_voids_sequence() {
    let emu = case(
        10,
        4,
        b"\x1b[2;2H\x1b[2?5hQ",
        &["··········", "·Q········", "··········", "··········"],
        (1, 2),
    );
    assert!(!emu.framebuffer().reverse_video());
}

#[test]
fn c8_vpa_cha_hpa() {
    case(
        10,
        4,
        b"\x1b[3;5H\x1b[2dA\x1b[7GB\x1b[2`C",
        &["··········", "·C··A·B···", "··········", "··········"],
        (1, 2),
    );
}

#[test]
fn x2_ed0_with_background() {
    let emu = case(
        8,
        3,
        b"aaaaaaaa\r\nbbbbbbbb\r\ncccccccc\x1b[2;3H\x1b[42m\x1b[J\x1b[m",
        &["aaaaaaaa", "bb······", "········"],
        (1, 2),
    );
    let fb = emu.framebuffer();
    for col in 0..8 {
        let expect = if col >= 2 {
            bg(2)
        } else {
            Rendition::default()
        };
        assert_eq!(cell(fb, 1, col).rendition(), expect);
        assert_eq!(cell(fb, 2, col).rendition(), bg(2));
        assert_eq!(cell(fb, 0, col).rendition(), Rendition::default());
    }
}

#[test]
fn x3_ech_clamped_at_row_end() {
    case(
        8,
        2,
        b"abcdefgh\x1b[1;6H\x1b[9X",
        &["abcde···", "········"],
        (0, 5),
    );
}

#[test]
fn x4_ed3_does_nothing() {
    case(
        8,
        2,
        b"abcdefgh\x1b[1;3H\x1b[3J",
        &["abcdefgh", "········"],
        (0, 2),
    );
}

#[test]
fn x5_decaln_uses_pen_background() {
    let emu = case(
        6,
        3,
        b"\x1b[41m\x1b#8\x1b[m\x1b[2;2HX",
        &["EEEEEE", "EXEEEE", "EEEEEE"],
        (1, 2),
    );
    let fb = emu.framebuffer();
    for row in 0..3 {
        for col in 0..6 {
            let expect = if (row, col) == (1, 1) {
                Rendition::default()
            } else {
                bg(1)
            };
            assert_eq!(cell(fb, row, col).rendition(), expect, "({row},{col})");
        }
    }
}

#[test]
fn i2_dch_blanks_take_pen_background() {
    let emu = case(
        8,
        2,
        b"\x1b[44mabcdefgh\x1b[m\x1b[1;3H\x1b[42m\x1b[2P\x1b[m",
        &["abefgh··", "········"],
        (0, 2),
    );
    let fb = emu.framebuffer();
    for col in 0..8 {
        let expect = if col < 6 { bg(4) } else { bg(2) };
        assert_eq!(cell(fb, 0, col).rendition(), expect);
    }
}

#[test]
fn i3_insert_mode_shifts_right() {
    let emu = case(
        8,
        2,
        b"abcdefgh\x1b[1;3H\x1b[4h12\x1b[4l",
        &["ab12cdef", "········"],
        (0, 4),
    );
    assert!(!emu.framebuffer().insert_mode());
}

#[test]
fn i4_il_moves_to_column_0() {
    case(
        8,
        4,
        b"A1\r\nB2\r\nC3\r\nD4\x1b[2;2H\x1b[LX",
        &["A1······", "X·······", "B2······", "C3······"],
        (1, 1),
    );
}

#[test]
fn i5_il_outside_region_only_moves_to_column_0() {
    let emu = case(
        8,
        4,
        b"A1\r\nB2\r\nC3\r\nD4\x1b[2;3r\x1b[1;5H\x1b[LX",
        &["X1······", "B2······", "C3······", "D4······"],
        (0, 1),
    );
    assert_eq!(emu.framebuffer().scroll_region(), (1, 2));
}

#[test]
fn s1_lf_at_region_bottom_scrolls_region() {
    let emu = case(
        8,
        4,
        b"A1\r\nB2\r\nC3\r\nD4\x1b[2;3r\x1b[3;1H\n\nX",
        &["A1······", "········", "X·······", "D4······"],
        (2, 1),
    );
    assert_eq!(emu.framebuffer().scroll_region(), (1, 2));
}

#[test]
fn s2_ri_at_region_top_scrolls_down() {
    case(
        8,
        4,
        b"A1\r\nB2\r\nC3\r\nD4\x1b[2;3r\x1b[2;1H\x1bMX",
        &["A1······", "X·······", "B2······", "D4······"],
        (1, 1),
    );
}

#[test]
fn s3_su_then_sd() {
    case(
        10,
        6,
        b"\x1b[H\x1b[J\r\nline 1\r\nline 2\r\nline 3\r\nline 4\r\nline 5\r\nline 6\x1b[2S\x1b[1T\rOops",
        &[
            "··········",
            "line 3····",
            "line 4····",
            "line 5····",
            "line 6····",
            "Oops······",
        ],
        (5, 4),
    );
}

#[test]
fn s4_lf_below_region_does_not_scroll() {
    case(
        8,
        4,
        b"A1\r\nB2\r\nC3\r\nD4\x1b[2;3r\x1b[4;1H\n\nX",
        &["A1······", "B2······", "C3······", "X4······"],
        (3, 1),
    );
}

#[test]
fn s6_bottom_clamp_makes_one_line_region() {
    let emu = case(
        8,
        6,
        b"A\r\nB\r\nC\r\nD\r\nE\r\nF\x1b[6;99r\x1b[6;1H\nX",
        &[
            "A·······",
            "B·······",
            "C·······",
            "D·······",
            "E·······",
            "X·······",
        ],
        (5, 1),
    );
    assert_eq!(emu.framebuffer().scroll_region(), (5, 5));
}

#[test]
fn t1_default_tab_stops() {
    case(
        20,
        2,
        b"a\tb\tc",
        &["a·······b·······c···", "····················"],
        (0, 17),
    );
}

#[test]
fn t2_hts_and_tbc0() {
    let emu = case(
        20,
        2,
        b"\x1b[1;4H\x1bH\x1b[1;9H\x1b[g\x1b[1;1H\tA\tB",
        &["···A············B···", "····················"],
        (0, 17),
    );
    let stops: Vec<usize> = emu.framebuffer().tab_stops().collect();
    assert_eq!(stops, [0, 3, 16]);
}

#[test]
fn t3_tbc3_then_ht_goes_to_last_column() {
    let emu = run(20, 2, b"\x1b[3g\tX");
    check(
        &emu,
        &["···················X", "····················"],
        (0, 19),
        true,
    );
    assert_eq!(emu.framebuffer().tab_stops().count(), 0);
}

#[test]
fn t5_cht_and_ht_keep_pending_wrap() {
    let emu = case(
        20,
        3,
        b"\x1b[99I#\x1b[2;20Hx\tY",
        &[
            "···················#",
            "···················x",
            "Y···················",
        ],
        (2, 1),
    );
    assert!(emu.framebuffer().rows()[1].is_wrapped());
}

#[test]
fn r1_decsc_decrc() {
    let emu = case(
        10,
        3,
        b"ab\x1b7\x1b[1;31m\x1b[3;5HX\x1b8Y",
        &["abY·······", "··········", "····X·····"],
        (0, 3),
    );
    let fb = emu.framebuffer();
    let bold_red = Rendition {
        fg: Colour::Indexed(1),
        ..attrs(&[Attributes::BOLD])
    };
    assert_eq!(cell(fb, 2, 4).rendition(), bold_red);
    assert_eq!(cell(fb, 0, 2).rendition(), Rendition::default());
}

#[test]
fn r2_scosc_scorc_unsupported() {
    case(
        10,
        3,
        b"ab\x1b[s\x1b[3;5HX\x1b[uY",
        &["ab········", "··········", "····XY····"],
        (2, 6),
    );
}

#[test]
fn r3_ris_keeps_icon_name() {
    let emu = case(
        10,
        3,
        b"junk\x1b]1;ic\x07\x1b]2;ti\x07\x1b[1;31m\x1b[2;3r\x1bcX",
        &["X·········", "··········", "··········"],
        (0, 1),
    );
    let fb = emu.framebuffer();
    assert_eq!(fb.window_title(), "");
    assert_eq!(fb.icon_name(), "ic");
    assert_eq!(fb.clipboard(), "");
    assert!(fb.title_initialized());
    assert_eq!(fb.pen(), Rendition::default());
    assert_eq!(fb.scroll_region(), (0, 2));
}

#[test]
fn m1_no_alternate_screen() {
    case(
        10,
        3,
        b"main\x1b[?1049halt\x1b[?1049l!",
        &["mainalt!··", "··········", "··········"],
        (0, 8),
    );
}

#[test]
fn m2_modes_are_recorded() {
    let emu = case(
        10,
        2,
        b"\x1b[?1000h\x1b[?1002h\x1b[?1006h\x1b[?1015h\x1b[?1004h\x1b[?2004h\x1b[?25l\x1b[?5h\x1b[?1007h",
        &["··········", "··········"],
        (0, 0),
    );
    let fb = emu.framebuffer();
    assert!(!fb.cursor_visible());
    assert!(fb.reverse_video());
    assert!(fb.bracketed_paste());
    assert_eq!(fb.mouse_reporting(), Some(1002));
    assert_eq!(fb.mouse_encoding(), Some(1015));
    assert!(fb.mouse_focus_events());
    assert!(fb.mouse_alternate_scroll());
}

#[test]
fn m3_resetting_any_mouse_mode_clears_it() {
    let emu = case(
        10,
        2,
        b"\x1b[?1000h\x1b[?1006h\x1b[?1002l\x1b[?1015l",
        &["··········", "··········"],
        (0, 0),
    );
    assert_eq!(emu.framebuffer().mouse_reporting(), None);
    assert_eq!(emu.framebuffer().mouse_encoding(), None);
}

#[test]
fn m4_no_character_sets() {
    case(
        10,
        2,
        b"\x1b(0lqk\x1b(Bx\x0ey\x0f",
        &["lqkxy·····", "··········"],
        (0, 5),
    );
}

#[test]
fn o1_osc_terminators() {
    let emu = case(
        10,
        2,
        b"\x1b]0;one\x07\x1b]2;tw\no\x1b\\\x1b]1;ic\x18X",
        &["X·········", "··········"],
        (0, 1),
    );
    let fb = emu.framebuffer();
    assert_eq!(fb.window_title(), "two");
    assert_eq!(fb.icon_name(), "ic");
    assert_eq!(fb.clipboard(), "");
    assert!(fb.title_initialized());
}

#[test]
fn o2_osc52_selection_c_only() {
    let emu = case(
        10,
        2,
        b"\x1b]52;p;Zm9v\x07\x1b]52;c;aGk=\x07\x1b]10;red\x07\x1b]4;1;#fff\x07",
        &["··········", "··········"],
        (0, 0),
    );
    let fb = emu.framebuffer();
    assert_eq!(fb.window_title(), "");
    assert_eq!(fb.icon_name(), "");
    assert_eq!(fb.clipboard(), "aGk=");
    assert!(!fb.title_initialized());
}

#[test]
fn g1_bright_and_256_colours_share_representation() {
    let emu = case(
        10,
        2,
        b"\x1b[91mA\x1b[102mB\x1b[m\x1b[38;5;9mC\x1b[38;2;1;2;3mD\x1b[m",
        &["ABCD······", "··········"],
        (0, 4),
    );
    let fb = emu.framebuffer();
    let fg = |c| Rendition {
        fg: c,
        ..Rendition::default()
    };
    assert_eq!(cell(fb, 0, 0).rendition(), fg(Colour::Indexed(9)));
    assert_eq!(
        cell(fb, 0, 1).rendition(),
        Rendition {
            bg: Colour::Indexed(10),
            ..fg(Colour::Indexed(9))
        }
    );
    assert_eq!(cell(fb, 0, 2).rendition(), fg(Colour::Indexed(9)));
    assert_eq!(cell(fb, 0, 3).rendition(), fg(Colour::Rgb(1, 2, 3)));
}

#[test]
fn g2_faint_and_strikethrough_dropped() {
    let emu = case(
        10,
        2,
        b"\x1b[2mA\x1b[9mB\x1b[m\x1b[1;2mC\x1b[22mD\x1b[m",
        &["ABCD······", "··········"],
        (0, 4),
    );
    let fb = emu.framebuffer();
    let renditions: Vec<_> = (0..4).map(|c| cell(fb, 0, c).rendition()).collect();
    let plain = Rendition::default();
    assert_eq!(
        renditions,
        [plain, plain, attrs(&[Attributes::BOLD]), plain]
    );
}

#[test]
fn g4_empty_sgr_fields_mean_zero() {
    let emu = case(
        10,
        2,
        b"\x1b[1;;4mX\x1b[m\x1b[1;4;7;8;3;5mY\x1b[22;24;27;28;23;25mZ",
        &["XYZ·······", "··········"],
        (0, 3),
    );
    let fb = emu.framebuffer();
    use Attributes as A;
    assert_eq!(cell(fb, 0, 0).rendition(), attrs(&[A::UNDERLINE]));
    assert_eq!(
        cell(fb, 0, 1).rendition(),
        attrs(&[
            A::BOLD,
            A::ITALIC,
            A::UNDERLINE,
            A::BLINK,
            A::INVERSE,
            A::INVISIBLE
        ])
    );
    assert_eq!(cell(fb, 0, 2).rendition(), Rendition::default());
}

#[test]
fn q1_dsr_da1_da2_replies() {
    let mut emu = case(
        10,
        4,
        b"\x1b[5n\x1b[3;5H\x1b[6n\x1b[c\x1b[>c\x1b[0c\x1b[?6n",
        &["··········"; 4],
        (2, 4),
    );
    assert_eq!(
        emu.take_replies(),
        b"\x1b[0n\x1b[3;5R\x1b[?62c\x1b[>1;10;0c\x1b[?62c"
    );
    assert!(emu.take_replies().is_empty());
}

#[test]
fn q2_cpr_reports_absolute_rows_in_origin_mode() {
    let mut emu = case(
        10,
        4,
        b"\x1b[2;3r\x1b[?6h\x1b[2;5H\x1b[6n",
        &["··········"; 4],
        (2, 4),
    );
    assert!(emu.framebuffer().origin_mode());
    assert_eq!(emu.framebuffer().scroll_region(), (1, 2));
    assert_eq!(emu.take_replies(), b"\x1b[3;5R");
}

#[test]
fn z1_height_shrink_drops_bottom_rows() {
    let mut emu = run(6, 4, b"L1\r\nL2\r\nL3\r\nL4");
    emu.resize(6, 2);
    check(&emu, &["L1····", "L2····"], (1, 2), false);
    assert_eq!(emu.framebuffer().scroll_region(), (0, 1));
}

#[test]
fn z3_width_grow_after_wrapped_row() {
    let mut emu = run(6, 4, b"abcdefgh");
    assert!(emu.framebuffer().rows()[0].is_wrapped());
    emu.resize(8, 4);
    check(
        &emu,
        &["abcdef··", "gh······", "········", "········"],
        (1, 2),
        false,
    );
    assert!(!emu.framebuffer().rows()[0].is_wrapped());
    assert_eq!(emu.framebuffer().scroll_region(), (0, 3));
}

#[test]
fn z4_resize_padding_takes_pen_background() {
    let mut emu = run(4, 2, b"\x1b[41mx");
    emu.resize(6, 3);
    check(&emu, &["x·····", "······", "······"], (0, 1), false);
    let fb = emu.framebuffer();
    assert_eq!(fb.pen(), bg(1));
    let expect_bg = |row: usize, col: usize| (row, col) == (0, 0) || col >= 4 || row == 2;
    for row in 0..3 {
        for col in 0..6 {
            let expect = if expect_bg(row, col) {
                bg(1)
            } else {
                Rendition::default()
            };
            assert_eq!(cell(fb, row, col).rendition(), expect, "({row},{col})");
        }
    }
}

#[test]
fn z5_resize_resets_scroll_region() {
    let mut emu = run(6, 4, b"\x1b[2;3r");
    emu.resize(6, 5);
    emu.feed(b"\n\n\n\n\nX");
    check(
        &emu,
        &["······", "······", "······", "······", "X·····"],
        (4, 1),
        false,
    );
    assert_eq!(emu.framebuffer().scroll_region(), (0, 4));
}

#[test]
fn z6_wide_cut_by_shrink_stays_wide() {
    let mut emu = run(6, 2, "abc日".as_bytes());
    emu.resize(4, 2);
    check(&emu, &["abc日", "····"], (0, 3), false);
    assert!(cell(emu.framebuffer(), 0, 3).is_wide());
    assert_eq!(emu.framebuffer().scroll_region(), (0, 1));
}
