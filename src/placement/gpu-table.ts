/**
 * The GPU vocabulary's data: one row per canonical GPU model. Adding a GPU is adding a row; the
 * matching itself lives in gpu-vocabulary.ts.
 *
 * How a row is matched. A vendor's spelling (EC2 `GpuInfo` names like `A100`, Lambda descriptions
 * like `A100 (80 GB SXM4)`, RunPod ids and display names like `NVIDIA A100-SXM4-80GB` / `A100 SXM`,
 * what a user types) is reduced to a key before it is compared:
 *
 * - lower case; a memory size written in it (`80GB`, `80 GB`, `16GiB`) is taken out and kept aside;
 * - vendor and brand words are dropped (`nvidia`, `amd`, `geforce`, `tesla`, `instinct`, …), and so
 *   are form factors and memory kinds (`pcie`, `sxm4`, `oam`, `fhhl`, `sff`, `hbm3`, …): the same chip
 *   in another package is the same model here (an H100 PCIe and an H100 SXM are both `H100-80GB`);
 * - the rest is split into words and at letter/digit boundaries, and joined by single spaces:
 *   `RTX A6000` → `rtx a 6000`, `mi300x` → `mi 300 x`, `Gaudi HL-205` → `gaudi hl 205`.
 *
 * A string rule below is reduced the same way and must equal the key exactly (so `a10` never matches
 * `A100` or `A10G`); a RegExp rule is tested against the key. `names` hold spellings any source and
 * any user may write; `sourceNames` hold spellings one provider (by its Hangar name) uses that would
 * mislead anywhere else: Lambda's bare `RTX 6000` is the 24 GB Turing Quadro, not today's RTX 6000 Ada.
 *
 * Where the same spelling fits several rows (`A100`: 40 and 80 GB), the memory decides: the reported
 * memory per GPU (per physical GPU for a fractional one) must lie within the vocabulary's tolerance of
 * the row's `memoryGiB`, nearest row wins, and a size no row fits is unmapped rather than guessed.
 * Rows sharing a spelling therefore keep their memories further apart than the tolerance (a test checks).
 */

export const GPU_VENDORS = ['nvidia', 'amd', 'habana', 'aws'] as const;
export type GpuVendor = (typeof GPU_VENDORS)[number];

/** Providers (Hangar names) whose own spellings a row may list in `sourceNames`. */
export type GpuSource = 'aws' | 'lambda-labs' | 'runpod';

export type GpuMatchRule = string | RegExp;

export interface GpuTableRow {
  /** The canonical id: stable, what placement and users compare. Memory-qualified where one chip ships with several memories. */
  readonly id: string;
  /** What a user may ask for to mean any of the family's memory variants (`A100` → `A100-40GB` or `A100-80GB`); the id itself when there is only one. */
  readonly family: string;
  readonly vendor: GpuVendor;
  /** Architecture generation, loosely (`ampere`, `hopper`, `cdna3`, …). */
  readonly architecture: string;
  /** Nominal memory per GPU, GiB (what the vendor's spec sheet says in GB). */
  readonly memoryGiB: number;
  /** Spellings any source and any user may write (see the file comment). */
  readonly names: readonly GpuMatchRule[];
  /** Spellings only one provider writes, matched only for that provider's catalog. */
  readonly sourceNames?: Readonly<Partial<Record<GpuSource, readonly GpuMatchRule[]>>>;
}

const row = (
  id: string,
  family: string,
  vendor: GpuVendor,
  architecture: string,
  memoryGiB: number,
  names: readonly GpuMatchRule[],
  sourceNames?: GpuTableRow['sourceNames'],
): GpuTableRow => ({ id, family, vendor, architecture, memoryGiB, names, ...(sourceNames && { sourceNames }) });

export const GPU_TABLE: readonly GpuTableRow[] = [
  // NVIDIA Blackwell. EC2 p6-b200 "B200", Lambda "B200 (180 GB SXM6)", RunPod "NVIDIA B200" / "NVIDIA B300 SXM6 AC".
  row('B200', 'B200', 'nvidia', 'blackwell', 180, ['b200']),
  row('B300', 'B300', 'nvidia', 'blackwell', 288, ['b300', 'b300 ac']),
  row('GB200', 'GB200', 'nvidia', 'blackwell', 186, ['gb200']),
  row('RTXPRO6000', 'RTXPRO6000', 'nvidia', 'blackwell', 96, [/^rtx pro 6000( |$)/, 'rtxpro6000']),
  row('RTX5090', 'RTX5090', 'nvidia', 'blackwell', 32, ['rtx 5090', '5090']),
  row('RTX5080', 'RTX5080', 'nvidia', 'blackwell', 16, ['rtx 5080', '5080']),

  // NVIDIA Hopper. EC2 "H100" / "H200", Lambda "H100 (80 GB SXM5)" / "GH200 (96 GB)", RunPod "NVIDIA H100 80GB HBM3",
  // "H100 SXM", "H100 PCIe", "NVIDIA H100 NVL" (94 GB), "NVIDIA H200", "H200 NVL".
  row('H100-80GB', 'H100', 'nvidia', 'hopper', 80, ['h100']),
  row('H100-94GB', 'H100', 'nvidia', 'hopper', 94, ['h100', 'h100 nvl']),
  row('H200-141GB', 'H200', 'nvidia', 'hopper', 141, ['h200', 'h200 nvl']),
  row('GH200-96GB', 'GH200', 'nvidia', 'hopper', 96, ['gh200']),
  row('GH200-144GB', 'GH200', 'nvidia', 'hopper', 144, ['gh200']),

  // NVIDIA Ada Lovelace. EC2 "L4" (also sliced on g6f/gr6f), "L40S"; RunPod "NVIDIA RTX 6000 Ada Generation", "RTX 4000 Ada SFF", ….
  row('L4', 'L4', 'nvidia', 'ada', 24, ['l4']),
  row('L40', 'L40', 'nvidia', 'ada', 48, ['l40']),
  row('L40S', 'L40S', 'nvidia', 'ada', 48, ['l40s']),
  row('RTX6000-ADA', 'RTX6000-ADA', 'nvidia', 'ada', 48, ['rtx 6000 ada', '6000 ada']),
  row('RTX5000-ADA', 'RTX5000-ADA', 'nvidia', 'ada', 32, ['rtx 5000 ada', '5000 ada']),
  row('RTX4000-ADA', 'RTX4000-ADA', 'nvidia', 'ada', 20, ['rtx 4000 ada', '4000 ada']),
  row('RTX2000-ADA', 'RTX2000-ADA', 'nvidia', 'ada', 16, ['rtx 2000 ada', '2000 ada']),
  row('RTX4090', 'RTX4090', 'nvidia', 'ada', 24, ['rtx 4090', '4090']),
  row('RTX4080', 'RTX4080', 'nvidia', 'ada', 16, ['rtx 4080', '4080']),
  row('RTX4080S', 'RTX4080S', 'nvidia', 'ada', 16, ['rtx 4080 super', '4080 super', 'rtx 4080s', '4080s']),
  row('RTX4070TI', 'RTX4070TI', 'nvidia', 'ada', 12, ['rtx 4070 ti', '4070 ti']),

  // NVIDIA Ampere, data centre. EC2 "A100" (p4d 40 GB, p4de 80 GB), "A10G"; Lambda "A100 (40 GB PCIe)", "A10 (24 GB PCIe)";
  // RunPod "NVIDIA A100 80GB PCIe", "NVIDIA A100-SXM4-80GB", "NVIDIA A40", "NVIDIA A30".
  row('A100-80GB', 'A100', 'nvidia', 'ampere', 80, ['a100']),
  row('A100-40GB', 'A100', 'nvidia', 'ampere', 40, ['a100']),
  row('A10G', 'A10G', 'nvidia', 'ampere', 24, ['a10g']),
  row('A10', 'A10', 'nvidia', 'ampere', 24, ['a10']),
  row('A30', 'A30', 'nvidia', 'ampere', 24, ['a30']),
  row('A40', 'A40', 'nvidia', 'ampere', 48, ['a40']),

  // NVIDIA Ampere, workstation. Lambda "A6000 (48 GB)", RunPod "NVIDIA RTX A6000" / "RTX A6000".
  row('A6000', 'A6000', 'nvidia', 'ampere', 48, ['a6000', 'rtx a6000']),
  row('A5000', 'A5000', 'nvidia', 'ampere', 24, ['a5000', 'rtx a5000']),
  row('A4500', 'A4500', 'nvidia', 'ampere', 20, ['a4500', 'rtx a4500']),
  row('A4000', 'A4000', 'nvidia', 'ampere', 16, ['a4000', 'rtx a4000']),
  row('A2000', 'A2000', 'nvidia', 'ampere', 6, ['a2000', 'rtx a2000']),

  // NVIDIA Ampere, consumer. RunPod "NVIDIA GeForce RTX 3090", ….
  row('RTX3090', 'RTX3090', 'nvidia', 'ampere', 24, ['rtx 3090', '3090']),
  row('RTX3090TI', 'RTX3090TI', 'nvidia', 'ampere', 24, ['rtx 3090 ti', '3090 ti']),
  row('RTX3080', 'RTX3080', 'nvidia', 'ampere', 10, ['rtx 3080', '3080']),
  row('RTX3080TI', 'RTX3080TI', 'nvidia', 'ampere', 12, ['rtx 3080 ti', '3080 ti']),
  row('RTX3070', 'RTX3070', 'nvidia', 'ampere', 8, ['rtx 3070', '3070']),

  // NVIDIA Turing. EC2 "T4" (g4dn) and "T4g" (g5g: the same T4 next to a Graviton CPU); Lambda "RTX 6000 (24 GB)" is the Quadro.
  row('T4', 'T4', 'nvidia', 'turing', 16, ['t4', 't4g']),
  row('QUADRO-RTX6000', 'QUADRO-RTX6000', 'nvidia', 'turing', 24, ['quadro rtx 6000'], { 'lambda-labs': ['rtx 6000'] }),

  // NVIDIA Volta, Maxwell, Kepler. EC2 "V100" (p3 16 GB, p3dn 32 GB), "M60" (g3), "K80" (p2); Lambda "Tesla V100 (16 GB)";
  // RunPod "Tesla V100-SXM2-32GB", "V100 FHHL", ….
  row('V100-16GB', 'V100', 'nvidia', 'volta', 16, ['v100']),
  row('V100-32GB', 'V100', 'nvidia', 'volta', 32, ['v100', 'v100s']),
  row('M60', 'M60', 'nvidia', 'maxwell', 8, ['m60']),
  row('K80', 'K80', 'nvidia', 'kepler', 12, ['k80']),

  // AMD. RunPod "AMD Instinct MI300X OAM" / "MI300X"; EC2 g4ad "Radeon Pro V520".
  row('MI300X', 'MI300X', 'amd', 'cdna3', 192, ['mi300x']),
  row('MI325X', 'MI325X', 'amd', 'cdna3', 256, ['mi325x']),
  row('MI250X', 'MI250X', 'amd', 'cdna2', 128, ['mi250x']),
  row('RADEON-PRO-V520', 'RADEON-PRO-V520', 'amd', 'rdna', 8, ['radeon pro v520', 'radeon v520', 'v520']),

  // Habana (Intel). EC2 dl1 "Gaudi HL-205"; Gaudi 2 is the HL-225, Gaudi 3 the HL-325.
  row('GAUDI', 'GAUDI', 'habana', 'gaudi', 32, ['gaudi', 'gaudi hl-205', 'hl-205', 'gaudi1']),
  row('GAUDI2', 'GAUDI2', 'habana', 'gaudi2', 96, ['gaudi2', 'gaudi2 hl-225', 'hl-225']),
  row('GAUDI3', 'GAUDI3', 'habana', 'gaudi3', 128, ['gaudi3', 'gaudi3 hl-325', 'hl-325']),

  // AWS's own accelerators. EC2 reports them in NeuronInfo, not GpuInfo (so no catalog `gpu` carries them today);
  // listed so a request naming one is understood rather than rejected as unknown.
  row('INFERENTIA2', 'INFERENTIA2', 'aws', 'neuron', 32, ['inferentia2', 'inf2']),
  row('TRAINIUM', 'TRAINIUM', 'aws', 'neuron', 32, ['trainium', 'trainium1', 'trn1']),
  row('TRAINIUM2', 'TRAINIUM2', 'aws', 'neuron', 96, ['trainium2', 'trn2']),
];
