// Run a Python program in Pyodide, the Python that xlwings Lite runs inside Excel.
//
//   node run.mjs PYODIDE_DIR PROGRAM WORKDIR [PATH ...]
//
// Each host folder (WORKDIR, then the PATHs) is mounted into Pyodide's file system under /host (so
// /tmp/x is /host/tmp/x there); WORKDIR becomes
// the working directory and the PATHs go first on sys.path. The program is run with top-level
// await allowed, as xlwings Lite awaits a script; what it prints is passed through.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, programFile, workdir, ...paths] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/" });
const mounted = [workdir, ...paths].map((hostPath) => {
  const inside = `/host${hostPath}`;
  pyodide.FS.mkdirTree(inside);
  pyodide.mountNodeFS(inside, hostPath);
  return inside;
});
pyodide.globals.set("_mounted", pyodide.toPy(mounted));
await pyodide.runPythonAsync(`
import os, sys
os.chdir(_mounted[0])
sys.path[:0] = list(_mounted[1:])
`);
await pyodide.runPythonAsync(readFileSync(programFile, "utf8"));
