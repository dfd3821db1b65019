// No answer or webhook body names a server path: results and reports refer to outputs by job and
// artifact name, and this last net replaces what an error message or traceback might still carry.

export interface ServerDirs {
  artifactDir: string
  inputRoot: string
  dataDir: string
}

/** `text` with the server's directories replaced by `<artifacts>`, `<inputs>` and `<data>`. */
export function serverPathRedactor(dirs: ServerDirs): (text: string) => string {
  // Longest first: the artifact directory usually sits inside the data directory.
  const named = [
    [dirs.artifactDir, '<artifacts>'],
    [dirs.inputRoot, '<inputs>'],
    [dirs.dataDir, '<data>'],
  ] as const
  // One name per directory (the first: an artifact directory that is also the data directory is `<artifacts>`).
  const order = named.filter(([dir], i) => named.findIndex(([d]) => d === dir) === i).sort((a, b) => b[0].length - a[0].length)
  return (text) => {
    let out = text
    for (const [dir, name] of order) if (out.includes(dir)) out = out.split(dir).join(name)
    return out
  }
}
