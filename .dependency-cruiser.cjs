// The layer rule: a folder of src/ imports only folders below it in LAYERS (and itself).
// An upward import, or a cycle between folders, fails `npm run check`. docs/architecture.md
// draws the same list.
const LAYERS = [
  ['protocol'],
  ['kernel'],
  ['sqlite'],
  ['backend'],
  ['network'],
  ['client'],
  ['sdk'],
  ['world'],
  ['check'],
  ['scenario'],
  ['report'],
  ['serve'],
  ['explorer'],
  // The package's entry points (src/api/*.ts): barrels over everything below; src/ loads them only lazily (src/entry-points.ts).
  ['api'],
  // The edges: they may use everything below, never each other. browser/ is the Playwright side
  // (syncwright/cordova-browser and syncwright/playwright).
  ['cli', 'bench', 'browser'],
];

const at = (folders) => `^src/(${folders.join('|')})/`;

const forbidden = LAYERS.flatMap((group, level) => {
  const above = LAYERS.slice(level + 1).flat();
  const siblings = group.length > 1 ? group : [];
  return group.flatMap((folder) => {
    const targets = [...above, ...siblings.filter((other) => other !== folder)];
    if (targets.length === 0) return [];
    return [
      {
        name: `layer-${folder}`,
        comment: `src/${folder}/ imports only the layers below it (${LAYERS.slice(0, level).flat().join(', ') || 'none'}).`,
        severity: 'error',
        from: { path: at([folder]) },
        to: { path: at(targets) },
      },
    ];
  });
});

module.exports = {
  forbidden: [
    ...forbidden,
    {
      name: 'no-folder-outside-layers',
      comment: 'Every folder of src/ has a place in the layer list of .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: at(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'no-circular',
      comment:
        'Modules do not import each other in a circle. The entry points (src/index.ts, src/api/, and src/entry-points.ts that lists them) are left out: .ts scenarios load them lazily as `syncwright` and `syncwright/…`.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaNot: '^src/(index\\.ts|entry-points\\.ts|api/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
