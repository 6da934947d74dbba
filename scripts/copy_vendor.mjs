// Copies the front-end files listed in package.json "vendorFiles" into static/vendor/,
// so the app serves them itself and works offline (never a CDN).
import { readFileSync, mkdirSync, copyFileSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = join(root, "static", "vendor");
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
let count = 0;
for (const [dest, src] of Object.entries(pkg.vendorFiles || {})) {
  const from = join(root, src);
  if (!existsSync(from)) {
    console.error(`copy_vendor: ${src} is missing; run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(target, dest)), { recursive: true });
  copyFileSync(from, join(target, dest));
  count += 1;
}
console.log(`copy_vendor: ${count} file(s) copied to static/vendor/`);
