package io.interlock.worker.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything the CLI prints passes through here: control characters (ESC sequences, carriage
 * returns, bidi overrides) become '?', so text a server or an agent supplied (a summary, an
 * approver's name, an echoed hash) can never redraw the screen above a confirmation prompt.
 */
final class TerminalSafeWriter extends FilterWriter {
  TerminalSafeWriter(Writer out) {
    super(out);
  }

  static char safe(char c) {
    boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
    boolean bidi =
        (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
    return control || bidi ? '?' : c;
  }

  @Override
  public void write(int c) throws IOException {
    super.write(safe((char) c));
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    char[] copy = new char[len];
    for (int i = 0; i < len; i++) {
      copy[i] = safe(buf[off + i]);
    }
    super.write(copy, 0, len);
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    write(str.toCharArray(), off, len);
  }
}
