//! Plain text tables: a header row and left-aligned columns.

/// A column: its header, and its cell in the row of a `T`.
pub type Column<T> = (&'static str, fn(&T) -> String);

/// A table with a row per item, each column's header said beside its cell.
pub fn render<'a, T: 'a>(columns: &[Column<T>], items: impl IntoIterator<Item = &'a T>) -> String {
    let headers: Vec<&'static str> = columns.iter().map(|(header, _)| *header).collect();
    let mut table = Table::new(&headers);
    for item in items {
        table.row(columns.iter().map(|(_, cell)| cell(item)).collect());
    }
    table.render()
}

pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// Spaces between columns.
const GAP: usize = 2;

impl Table {
    pub fn new(headers: &[&'static str]) -> Self {
        Self {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(
            cells.len(),
            self.headers.len(),
            "a row has one cell per column"
        );
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self
            .headers
            .iter()
            .map(|header| header.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let headers = self.headers.iter().map(|header| header.to_string());
        let mut text = line(headers, &widths);
        for row in &self.rows {
            text.push_str(&line(row.iter().cloned(), &widths));
        }
        text
    }
}

fn line(cells: impl Iterator<Item = String>, widths: &[usize]) -> String {
    let padded: Vec<String> = cells
        .zip(widths)
        .map(|(cell, width)| format!("{cell:<width$}", width = width + GAP))
        .collect();
    format!("{}\n", padded.concat().trim_end())
}
