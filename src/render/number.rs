//! Numbers as people read them.

/// "87.5%", or "–" when there is nothing to divide.
pub fn percent(p: Option<f64>) -> String {
    p.map_or("–".to_string(), |p| format!("{:.1}%", p * 100.0))
}

/// A value with `digits` decimals, or "–".
pub fn fixed(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".to_string(), |x| format!("{x:.digits$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(percent(Some(0.875)), "87.5%");
        assert_eq!(percent(None), "–");
        assert_eq!(fixed(Some(1.2345), 2), "1.23");
        assert_eq!(fixed(None, 2), "–");
    }
}
