//! Prose for the person at the terminal, wrapped to the terminal's width
//! between words, so that a narrow tmux pane never cuts a word in two.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

/// Lines are never made narrower than this, however small the terminal:
/// below it a hanging indent would leave room for one word a line.
const NARROWEST: usize = 30;

/// The width of the terminal standard error goes to (where sopbook talks to
/// the person), else `COLUMNS` when it is set (the way clap sizes `--help`;
/// tests set it), else `None`: a log file or a pipe gets whole lines.
pub fn stderr_width() -> Option<usize> {
    let stderr = std::io::stderr();
    if stderr.is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stderr)
    {
        return Some(usize::from(w));
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
}

/// How wide `s` is on the screen: colour codes take no room, Chinese
/// characters take two columns.
pub fn width(s: &str) -> usize {
    anstream::adapter::strip_str(s).to_string().width()
}

/// `text` wrapped between words to `width` columns: the first line starts
/// with `first`, the others with `rest` (spaces, for a hanging indent). A
/// word longer than a line gets a line of its own, whole. Without a width
/// the text stays on one line. Colour codes inside the text are kept and
/// take no room.
pub fn wrap(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    let mut out = String::from(first);
    let Some(width) = width else {
        out.push_str(text);
        return out;
    };
    let width = width.max(NARROWEST);
    let mut used = self::width(first);
    let mut line_empty = true;
    // Spaces between words on one line are kept as they are (two before a
    // tag); where the line breaks they go.
    let mut gap = 0;
    for word in text.split(' ') {
        if word.is_empty() {
            gap += 1;
            continue;
        }
        // Chinese and Japanese are written without spaces: a line may
        // break before any of their characters.
        for (i, piece) in pieces(word).into_iter().enumerate() {
            let w = self::width(piece);
            let spaces = match (line_empty, i) {
                (true, _) | (false, 1..) => 0,
                (false, 0) => gap + 1,
            };
            if !line_empty && used + spaces + w > width {
                out.push('\n');
                out.push_str(rest);
                used = self::width(rest);
            } else {
                out.extend(std::iter::repeat_n(' ', spaces));
                used += spaces;
            }
            out.push_str(piece);
            used += w;
            line_empty = false;
        }
        gap = 0;
    }
    out
}

/// `word` cut where a line may break inside it: before each Chinese or
/// Japanese character (punctuation after one stays with it, so that a line
/// never starts with a comma).
fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in word.char_indices() {
        if at > start && crate::manual::search::is_cjk(c) {
            out.push(&word[start..at]);
            start = at;
        }
    }
    out.push(&word[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_breaks_between_characters_and_never_before_its_punctuation() {
        let text = "检验员：请在一臂距离处读取标签，确认型号与订单一致。";
        let wrapped = wrap(text, Some(30), "", "");
        for line in wrapped.lines() {
            assert!(width(line) <= 30, "{line:?} in {wrapped}");
            assert!(!line.starts_with(['，', '。', '：']), "{wrapped}");
        }
        assert_eq!(wrapped.replace('\n', ""), text);
        assert_eq!(
            pieces("CL-001检验，好"),
            ["CL-001", "检", "验，", "好"],
            "a run of Latin letters stays whole"
        );
        assert_eq!(pieces("plain"), ["plain"]);
    }

    #[test]
    fn words_are_never_cut() {
        let text = "Dial indicator on the shaft end in the station 1 fixture; push the shaft fully in, zero, pull fully out, read the movement.";
        let wrapped = wrap(text, Some(40), "      How: ", "           ");
        assert_eq!(
            wrapped,
            "      How: Dial indicator on the shaft\n           end in the station 1 fixture;\n           push the shaft fully in,\n           zero, pull fully out, read\n           the movement."
        );
        for line in wrapped.lines() {
            assert!(line.width() <= 40, "{line:?}");
        }
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words[1..].join(" "), text, "every word kept whole");
    }

    #[test]
    fn two_spaces_stay_two_on_a_line_and_go_at_a_break() {
        assert_eq!(
            wrap("seal faces clean  CRITICAL", Some(80), "[2/9] ", "      "),
            "[2/9] seal faces clean  CRITICAL"
        );
        assert_eq!(
            wrap(
                "seal faces clean and undamaged before it is fitted  CRITICAL",
                Some(56),
                "[2/9] ",
                "      "
            ),
            "[2/9] seal faces clean and undamaged before it is fitted\n      CRITICAL"
        );
        assert_eq!(wrap("  a", Some(40), "", ""), "a", "no spaces lead a line");
    }

    #[test]
    fn no_width_keeps_one_line() {
        assert_eq!(wrap("a b  c", None, "> ", "  "), "> a b  c");
    }

    #[test]
    fn a_long_word_gets_its_own_line_and_colour_takes_no_room() {
        let red = crate::render::paint(crate::render::style::BAD, "FAIL");
        let wrapped = wrap(
            &format!("{red} https://example.com/a/very/long/address/that/does/not/fit ok"),
            Some(30),
            "",
            "  ",
        );
        assert_eq!(
            wrapped,
            format!("{red}\n  https://example.com/a/very/long/address/that/does/not/fit\n  ok")
        );
        assert_eq!(width(&red), 4);
        assert_eq!(width("检验员"), 6);
    }

    #[test]
    fn a_tiny_terminal_still_gets_readable_lines() {
        let wrapped = wrap("one two three four five six seven", Some(5), "", "");
        assert_eq!(wrapped, "one two three four five six\nseven");
    }
}
