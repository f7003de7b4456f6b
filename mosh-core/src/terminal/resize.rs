//! Resize (terminal.md §8): mosh keeps the top rows and pads or truncates each row.

use std::sync::Arc;

use super::framebuffer::Framebuffer;
use super::row::Row;

impl Framebuffer {
    /// Resizes to `width` × `height` (zero sizes raised to 1).
    pub fn resize(&mut self, width: usize, height: usize) {
        let (width, height) = (width.max(1), height.max(1));
        let ds = &mut self.ds;
        if width == ds.width && height == ds.height {
            return;
        }
        ds.scroll_top = 0;
        ds.scroll_bottom = height - 1;
        let old_width = ds.tabs.len();
        ds.tabs.truncate(width);
        let default_tabs = ds.default_tabs;
        ds.tabs
            .extend((old_width..width).map(|c| default_tabs && c % 8 == 0));
        ds.cursor_row = ds.cursor_row.min(height - 1);
        ds.cursor_col = ds.cursor_col.min(width - 1);
        if ds
            .combining_target
            .is_some_and(|(r, c)| r >= height || c >= width)
        {
            ds.combining_target = None;
        }
        let pen = ds.pen;
        if width != ds.width {
            for row in &mut self.rows {
                Arc::make_mut(row).set_width(width, pen);
            }
        }
        self.rows
            .resize_with(height, || Arc::new(Row::new(width, pen)));
        self.ds.width = width;
        self.ds.height = height;
    }
}
