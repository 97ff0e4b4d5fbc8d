// Pure readers and writers of dataset formats: text in, one model out (./model.ts), and back.
// No disk access here; the service walks folders and hands over texts and image sizes.
export * from './model';
export { readCoco, writeCoco, parseJson } from './coco';
export { readVocFile, writeVoc, vocXmlPath } from './voc';
export { readDataYaml, readYoloLabels, writeYolo, yoloImagePath, yoloLabelPath, type YoloTask, type YoloLabelFile } from './yolo';
export { readFolders, writeFolders } from './folder';
export { decodeCounts, rleCounts, rleArea, rleBbox } from './rle';
export const FORMATS = ['coco', 'voc', 'yolo', 'folder'] as const;
