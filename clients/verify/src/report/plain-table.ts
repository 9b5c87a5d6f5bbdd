/**
 * cli-table3's characters for a table without its box: every border empty, two spaces
 * between columns. What the CLI, the verifier and the demos print when stdout is not a
 * terminal, so a script or a pager gets columns, not box-drawing characters.
 */
export const PLAIN_TABLE_CHARS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
} as const;
