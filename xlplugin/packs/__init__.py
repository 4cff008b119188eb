"""Rule packs as a product: loading and checking a pack folder, finding packs by id, recognising the
pack that fits a workbook, archives with signatures, the user's installed packs, pack test cases,
diffs and new-pack scaffolds."""
