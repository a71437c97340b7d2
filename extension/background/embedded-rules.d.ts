// The rules bundle built from rules/ when the extension is built (scripts/lib/embedded-rules-plugin.ts).
declare module 'virtual:leadpact/embedded-rules' {
  const bundle: import('../engine/generated/rules').Bundle;
  export default bundle;
}
