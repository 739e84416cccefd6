/**
 * Debian images for xeno86: the archive client, the .deb/ar/tar readers, the
 * cpio writer and initramfs builder, `fetchImages()`, the native busybox
 * runner, and the `xeno86 images` command. Node-only.
 */
export { fetchImages, cachedImageSet, NIC_MODULES, KERNEL_METAPACKAGE, BUSYBOX_PACKAGE, type ImageSet, type FetchImagesOptions } from "./fetch-images";
export { imagesCommand, formatImageSet, IMAGES_USAGE } from "./images-command";
export { canRunI386Natively, i386NativeSupport, runHostBusybox, busyboxApplets, appletNamesFromBinary, type HostBusyboxOptions, type HostBusyboxResult, type NativeI386Support } from "./host-busybox";
export { ImageFetchError, NetworkError, ChecksumError, PackageNotFoundError, ArchiveFormatError, OfflineError, HostToolError, type ImageFetchErrorKind } from "./errors";
export {
  DebianArchive,
  bookwormSuites,
  packageUrl,
  packageFileName,
  findDependency,
  checkInReleaseSignature,
  signaturePolicyFromEnv,
  DEFAULT_DEBIAN_MIRROR,
  DEFAULT_DEBIAN_SECURITY_MIRROR,
  type SuiteSource,
  type SuiteRelease,
  type PackageRecord,
  type DebianArchiveOptions,
  type SignaturePolicy,
} from "./archive";
export { compareDebianVersions, parseDebianVersion, satisfiesVersion, type DebianVersion } from "./version";
export { parseStanza, parseStanzas, parseRelations, parseRelease, stripClearSignature, PackageIndex, type Stanza, type Relation, type ReleaseFile } from "./control";
export { parseAr, readArFile, type ArMember } from "./ar";
export { TarParser, readTar, normalizeTarPath, type TarEntry, type TarEntryType, type TarEntryHandler } from "./tar";
export { scanDebData, extractDebFiles, extractFromDeb, readDebControl, type DebExtractor, type ExtractedFile } from "./deb";
export { writeCpio, type CpioEntry, type CpioEntryType } from "./cpio";
export { buildInitramfs, buildInitramfsCpio, INIT_SCRIPT, READY_MARKER, type InitramfsInput, type InitramfsModule } from "./initramfs";
export { readModinfo, describeModule, dependencyClosure, formatModulesDep, formatModulesAlias, type ModuleInfo } from "./modules";
export { defaultCacheDir } from "./cache";
export { referenceBusybox, type ReferenceBusybox } from "./reference-busybox";
