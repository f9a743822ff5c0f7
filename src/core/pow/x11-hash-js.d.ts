// The package ships no types; this declares the one entry point the reference wrapper uses.
declare module '@dashevo/x11-hash-js' {
  const x11: {
    /** inputFormat/outputFormat: 0 string, 1 byte array, 2 int32 array. */
    digest(input: string | number[], inputFormat?: 0 | 1 | 2, outputFormat?: 0 | 1 | 2): number[];
  };
  export default x11;
}
